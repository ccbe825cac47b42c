package io.jrq.spring;

import io.jrq.Admin;
import io.jrq.InstanceResolver;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.spring.internal.AnnotatedMethods;
import io.jrq.spring.internal.ContextInstanceResolver;
import io.jrq.spring.internal.JrqOptionsFactory;
import io.jrq.spring.internal.RecurringScheduler;
import io.jrq.spring.internal.SpringRedisSettings;
import io.jrq.spring.internal.WorkerLifecycle;
import java.time.Duration;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of jrq: the client ({@link Jrq}, closed with the context), {@link Admin},
 * {@link io.jrq.Recurring}, an {@link InstanceResolver} that runs instance-method jobs on the
 * application's beans, the {@link JrqHandler} and {@link Recurring} methods, and, with
 * {@code jrq.worker.enabled=true}, a worker run by the context's lifecycle. Each bean steps aside
 * for one the application declares itself.
 */
@AutoConfiguration
@EnableConfigurationProperties(JrqProperties.class)
public class JrqAutoConfiguration {
    /** The Spring Boot property giving each shutdown phase its time. */
    static final String SHUTDOWN_PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

    /**
     * @param properties {@code jrq.*}
     * @param environment holds {@code spring.data.redis.*}
     * @param sslBundles the application's SSL bundles, if any
     * @param customizers the application's option customizers
     * @return builds the client's options
     */
    @Bean
    @ConditionalOnMissingBean({JrqOptions.class, JrqOptionsFactory.class})
    public JrqOptionsFactory jrqOptionsFactory(
            JrqProperties properties,
            Environment environment,
            ObjectProvider<SslBundles> sslBundles,
            ObjectProvider<JrqOptionsCustomizer> customizers) {
        return new JrqOptionsFactory(
                properties,
                SpringRedisSettings.bind(environment),
                sslBundles.getIfAvailable(),
                customizers.orderedStream().toList());
    }

    /** @param factory builds them @return the client's options */
    @Bean
    @ConditionalOnMissingBean
    public JrqOptions jrqOptions(JrqOptionsFactory factory) {
        return factory.create();
    }

    /** @param options the options @return the client, connected now, closed when the context closes */
    @Bean
    @ConditionalOnMissingBean
    public Jrq jrq(JrqOptions options) {
        return Jrq.connect(options);
    }

    /** @param jrq the client @return its admin API */
    @Bean
    @ConditionalOnMissingBean
    public Admin jrqAdmin(Jrq jrq) {
        return jrq.admin();
    }

    /** @param jrq the client @return its recurring jobs */
    @Bean
    @ConditionalOnMissingBean
    public io.jrq.Recurring jrqRecurring(Jrq jrq) {
        return jrq.recurring();
    }

    /** @param beans the application's beans @return runs instance-method jobs on them */
    @Bean
    @ConditionalOnMissingBean
    public InstanceResolver jrqInstanceResolver(ListableBeanFactory beans) {
        return new ContextInstanceResolver(beans);
    }

    /** @return finds the annotated methods as beans are created (static: it post-processes beans) */
    @Bean
    @ConditionalOnMissingBean
    public static AnnotatedMethods jrqAnnotatedMethods() {
        return new AnnotatedMethods();
    }

    /**
     * @param recurring the client's recurring jobs
     * @param methods the annotated methods
     * @return stores the {@code @Recurring} schedules once every bean exists
     */
    @Bean
    @ConditionalOnMissingBean
    public RecurringScheduler jrqRecurringScheduler(io.jrq.Recurring recurring, AnnotatedMethods methods) {
        return new RecurringScheduler(recurring, methods);
    }

    /**
     * @param jrq the client
     * @param properties {@code jrq.*}
     * @param resolver provides instances for instance-method jobs
     * @param methods the {@code @JrqHandler} methods
     * @param customizers the application's worker customizers
     * @param environment holds Spring's shutdown-phase timeout
     * @param context the application, whose class loader loads job classes
     * @return the worker, started with the context and stopped gracefully with it
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "jrq.worker", name = "enabled", havingValue = "true")
    public WorkerLifecycle jrqWorker(
            Jrq jrq,
            JrqProperties properties,
            InstanceResolver resolver,
            AnnotatedMethods methods,
            ObjectProvider<JrqWorkerCustomizer> customizers,
            Environment environment,
            ApplicationContext context) {
        Duration phase = Binder.get(environment)
                .bind(SHUTDOWN_PHASE_TIMEOUT, Duration.class)
                .orElse(Duration.ofSeconds(30));
        ClassLoader loader = context.getClassLoader() != null
                ? context.getClassLoader()
                : JrqAutoConfiguration.class.getClassLoader();
        return new WorkerLifecycle(
                jrq,
                properties.getWorker(),
                resolver,
                methods,
                customizers.orderedStream().toList(),
                phase,
                loader);
    }
}
