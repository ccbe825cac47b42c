package io.jrq.spring.internal;

import io.jrq.Jrq;
import io.jrq.RecurringJob;
import io.jrq.Worker;
import io.jrq.spring.JrqHandler;
import io.jrq.spring.Recurring;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds {@link JrqHandler} and {@link Recurring} methods on the application's beans as they are
 * created, checks each at once (so bad input fails the start, naming the bean and method), and keeps
 * the handlers for the worker and the schedules for {@link RecurringScheduler}.
 */
public final class AnnotatedMethods implements BeanPostProcessor, BeanFactoryAware {
    /** Handlers made for {@code @Recurring} methods that are no {@code @JrqHandler} are named with this prefix. */
    public static final String RECURRING_HANDLER_PREFIX = "recurring.";

    private final Map<String, HandlerMethod> handlers = new LinkedHashMap<>();
    private final List<RecurringJob> schedules = new ArrayList<>();
    private final Map<String, String> scheduleOrigins = new LinkedHashMap<>();
    private ConfigurableBeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = (ConfigurableBeanFactory) beanFactory;
    }

    @Override
    public synchronized Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        Class<?> type = AopUtils.getTargetClass(bean);
        if (!AnnotationUtils.isCandidateClass(type, Set.of(JrqHandler.class, Recurring.class, Recurring.List.class))) {
            return bean;
        }
        for (Method m : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
            JrqHandler handler = AnnotatedElementUtils.findMergedAnnotation(m, JrqHandler.class);
            Set<Recurring> recurring = AnnotatedElementUtils.findMergedRepeatableAnnotations(m, Recurring.class);
            if (handler == null && recurring.isEmpty()) {
                continue;
            }
            String where = "bean '" + beanName + "' (" + type.getName() + "." + m.getName()
                    + Arrays.stream(m.getParameterTypes())
                            .map(Class::getSimpleName)
                            .collect(Collectors.joining(", ", "(", ")"))
                    + ")";
            if (beanFactory != null && beanFactory.containsBean(beanName) && !beanFactory.isSingleton(beanName)) {
                throw new IllegalStateException(
                        "@JrqHandler/@Recurring on " + where + ": only singleton beans can hold them");
            }
            HandlerMethod method = new HandlerMethod(bean, m, where);
            String handlerName = null;
            if (handler != null) {
                String what = "@JrqHandler(\"" + handler.value() + "\") on " + where;
                try {
                    handlerName = resolve(handler.value());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(what + ": " + e.getMessage(), e);
                }
                register(handlerName, method, what);
            }
            for (Recurring r : recurring) {
                schedule(r, method, handlerName, where);
            }
        }
        return bean;
    }

    private void register(String name, HandlerMethod method, String what) {
        try {
            // jrq's own builder checks the name; a client without Redis costs nothing.
            try (Jrq probe = Jrq.inline()) {
                Worker.Builder b = probe.worker("default");
                b.handler(name, method);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
        HandlerMethod other = handlers.putIfAbsent(name, method);
        if (other != null) {
            throw new IllegalStateException(
                    what + ": a handler named '" + name + "' is already registered by " + other.where());
        }
    }

    private void schedule(Recurring r, HandlerMethod method, String handlerName, String where) {
        String what = "@Recurring(name = \"" + r.name() + "\") on " + where;
        if (!method.takesNoArguments()) {
            throw new IllegalStateException(what + ": a recurring method takes no arguments but a JobContext");
        }
        RecurringJob job;
        try {
            String name = resolve(r.name());
            String cron = resolve(r.cron());
            String interval = resolve(r.interval());
            String zone = resolve(r.zone());
            String queue = resolve(r.queue());
            if (cron.isBlank() == interval.isBlank()) {
                throw new IllegalArgumentException("give exactly one of cron and interval, got "
                        + (cron.isBlank() ? "neither" : "both (cron '" + cron + "', interval '" + interval + "')"));
            }
            RecurringJob.Builder b = RecurringJob.builder(name).queue(queue).misfire(r.misfire());
            if (!cron.isBlank()) {
                b.cron(cron, zone(zone));
            } else {
                if (!zone.isBlank()) {
                    throw new IllegalArgumentException("zone '" + zone + "' applies to a cron schedule only");
                }
                b.every(duration(interval));
            }
            String runs = handlerName;
            if (runs == null) {
                runs = RECURRING_HANDLER_PREFIX + name;
                register(runs, method, what);
            }
            job = b.handler(runs).description("@Recurring " + where).build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(what)) {
                throw e;
            }
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
        String key = job.queue() + "/" + job.name();
        String other = scheduleOrigins.putIfAbsent(key, where);
        if (other != null) {
            throw new IllegalStateException(what + ": recurring job " + key + " is already scheduled by " + other);
        }
        schedules.add(job);
    }

    private static ZoneId zone(String zone) {
        if (zone.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(zone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + zone + "'");
        }
    }

    private static Duration duration(String interval) {
        try {
            return DurationStyle.detectAndParse(interval.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("interval '" + interval + "' is not a duration (e.g. 30s, 15m, PT1H)");
        }
    }

    private String resolve(String value) {
        if (beanFactory == null || value == null) {
            return value;
        }
        // An unresolvable placeholder throws IllegalArgumentException, which the caller names.
        String resolved = beanFactory.resolveEmbeddedValue(value);
        return resolved == null ? "" : resolved;
    }

    /** @return the handlers by name, in the order their beans were created */
    public synchronized Map<String, HandlerMethod> handlers() {
        return Map.copyOf(handlers);
    }

    /** @return the recurring jobs to schedule */
    public synchronized List<RecurringJob> schedules() {
        return List.copyOf(schedules);
    }
}
