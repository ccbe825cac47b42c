package io.jrq.spring;

import io.jrq.Misfire;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Schedules a method of a Spring bean as a recurring jrq job when the application starts:
 *
 * <pre>{@code
 * @Recurring(name = "nightly-report", cron = "0 3 * * *", zone = "Europe/Paris", queue = "reports")
 * void nightlyReport() { ... }
 *
 * @Recurring(name = "refresh-cache", interval = "${cache.refresh:15m}")
 * void refresh(JobContext ctx) { ... }
 * }</pre>
 *
 * <p>Each tick enqueues one job on the queue, which a worker of this application runs (it needs
 * {@code jrq.worker.enabled=true} on at least one instance serving that queue). The method takes no
 * argument or only a {@link io.jrq.JobContext}; on a method that is also a {@link JrqHandler}, the
 * schedule runs that handler. The schedule is stored in Redis through {@link io.jrq.Recurring}, so
 * starting many instances schedules it once, and a changed schedule replaces the stored one.
 *
 * <p>Exactly one of {@link #cron()} and {@link #interval()} must be given. Every attribute takes
 * {@code ${...}} placeholders. Bad input (neither or both, a bad cron expression, zone, interval,
 * queue or name) fails the context start, naming the bean and method. Repeatable, for one method run
 * on several schedules (each with its own name).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(Recurring.List.class)
public @interface Recurring {
    /** @return identifies the job within its queue: 1-100 characters of {@code A-Z a-z 0-9 _ . : -} */
    String name();

    /** @return a 5-field crontab expression, e.g. {@code 0 3 * * *}; empty when {@link #interval()} is set */
    String cron() default "";

    /** @return a fixed interval, e.g. {@code 15m}, {@code 30s} or {@code PT1H}; empty when {@link #cron()} is set */
    String interval() default "";

    /** @return the time zone whose wall clock the cron expression reads; empty for UTC */
    String zone() default "";

    /** @return the queue the runs go to */
    String queue() default "default";

    /** @return what happens to ticks missed while no worker ran */
    Misfire misfire() default Misfire.RUN_ONCE;

    /** Holds several {@link Recurring} on one method. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface List {
        /** @return the schedules */
        Recurring[] value();
    }
}
