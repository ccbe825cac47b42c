package io.jrq.spring.internal;

import io.jrq.Recurring;
import io.jrq.RecurringInfo;
import io.jrq.RecurringJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Stores the {@code @Recurring} schedules in Redis once every bean exists. Scheduling is idempotent:
 * an unchanged schedule keeps its next due time, so every instance of the application can do it.
 */
public final class RecurringScheduler implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(RecurringScheduler.class);

    private final Recurring recurring;
    private final AnnotatedMethods methods;

    /**
     * @param recurring the client's recurring jobs
     * @param methods the schedules found on the beans
     */
    public RecurringScheduler(Recurring recurring, AnnotatedMethods methods) {
        this.recurring = recurring;
        this.methods = methods;
    }

    @Override
    public void afterSingletonsInstantiated() {
        for (RecurringJob job : methods.schedules()) {
            RecurringInfo info = recurring.schedule(job);
            log.info(
                    "jrq recurring job {}/{} scheduled ({}), next run {}",
                    info.queue(),
                    info.name(),
                    job.cron()
                            .map(c -> "cron '" + c + "' in " + job.zone())
                            .orElseGet(() -> "every " + job.interval().orElseThrow()),
                    info.nextDue().map(Object::toString).orElse("none"));
        }
    }
}
