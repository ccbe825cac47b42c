package io.jrq;

import io.jrq.internal.codec.EncodedCall;
import io.jrq.internal.schedule.CronSchedule;
import io.jrq.internal.schedule.RecurringDef;
import io.jrq.internal.schedule.Schedule;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A job that runs on a schedule: a cron expression read in a time zone, or a fixed interval. Build
 * one and hand it to {@link Recurring#schedule}:
 *
 * <pre>{@code
 * jrq.recurring().schedule(RecurringJob.builder("nightly-report")
 *         .queue("reports")
 *         .cron("0 3 * * *", ZoneId.of("Europe/Paris"))
 *         .call(Reports::build, 42)
 *         .build());
 * jrq.recurring().schedule(RecurringJob.builder("send-digest").every(Duration.ofMinutes(15))
 *         .handler("send-digest", "weekly").misfire(Misfire.SKIP).build());
 * }</pre>
 *
 * <p>A recurring job is identified by its queue and its name; scheduling another with the same
 * queue and name replaces it. Each tick enqueues one ordinary job on the queue (id
 * {@code recurring:<name>:<due ms>}, meta {@code recurring} = the name and {@code recurring_due} =
 * the tick's due time), run by the queue's workers. Immutable and thread-safe.
 */
public final class RecurringJob {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    private static final Object[] NO_ARGS = new Object[0];
    /** The shortest interval: ticks are looked for twice a second. */
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    private final String name;
    private final String queue;
    private final EncodedCall call;
    private final String cron;
    private final CronSyntax syntax;
    private final ZoneId zone;
    private final Duration interval;
    private final Misfire misfire;
    private final String description;
    private final Map<String, String> meta;
    private final Duration resultTtl;
    private final RetryPolicy retry;
    private final Duration timeout;

    private RecurringJob(Builder b) {
        this.name = b.name;
        this.queue = b.queue;
        this.call = b.encodedCall.copy();
        this.cron = b.cron;
        this.syntax = b.syntax;
        this.zone = b.zone;
        this.interval = b.interval;
        this.misfire = b.misfire;
        this.description = b.description;
        this.meta = Collections.unmodifiableMap(new LinkedHashMap<>(b.meta));
        this.resultTtl = b.resultTtl;
        this.retry = b.retry;
        this.timeout = b.timeout;
    }

    /**
     * @param name identifies the job within its queue: 1-100 characters of {@code A-Z a-z 0-9 _ . : -}
     * @return a builder; set a schedule ({@code cron} or {@code every}) and what to run ({@code call} or {@code handler})
     * @throws IllegalArgumentException naming the bad value
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the name, unique within the queue */
    public String name() {
        return name;
    }

    /** @return the queue the runs go to */
    public String queue() {
        return queue;
    }

    /** @return what each run calls: {@code class::method} or a handler name */
    public String function() {
        return call.fn();
    }

    /** @return the cron expression, or empty for an interval job */
    public Optional<String> cron() {
        return Optional.ofNullable(cron);
    }

    /** @return the cron expression's syntax, or empty for an interval job */
    public Optional<CronSyntax> cronSyntax() {
        return cron == null ? Optional.empty() : Optional.of(syntax);
    }

    /** @return the zone whose wall clock the cron expression reads (UTC for interval jobs) */
    public ZoneId zone() {
        return zone;
    }

    /** @return the interval, or empty for a cron job */
    public Optional<Duration> interval() {
        return Optional.ofNullable(interval);
    }

    /** @return what happens to ticks missed while no worker ran */
    public Misfire misfire() {
        return misfire;
    }

    /** @return the description every run carries, if any */
    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    /** @return metadata every run carries (never null) */
    public Map<String, String> meta() {
        return meta;
    }

    /** @return how long each run's result is kept, or empty for the worker's default */
    public Optional<Duration> resultTtl() {
        return Optional.ofNullable(resultTtl);
    }

    /** @return the runs' retry policy, or empty for the worker's default */
    public Optional<RetryPolicy> retry() {
        return Optional.ofNullable(retry);
    }

    /** @return the runs' timeout, or empty for the worker's default */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** @return the stored form, without times */
    RecurringDef toDef() {
        return RecurringDef.of(
                name,
                queue,
                call.copy(),
                cron,
                syntax,
                zone,
                interval,
                misfire,
                description,
                meta,
                resultTtl,
                retry == null ? null : retry.spec(),
                timeout);
    }

    @Override
    public String toString() {
        return "RecurringJob[" + queue + "/" + name + ", " + call.fn() + ", "
                + (cron != null ? "cron '" + cron + "' in " + zone : "every " + interval) + "]";
    }

    /**
     * Builds a {@link RecurringJob}. Every setter checks its argument at once and names the bad
     * value. Defaults: queue {@code default}, misfire {@link Misfire#RUN_ONCE}, and the worker's
     * defaults for result TTL, retries and timeout. Of {@code cron} and {@code every}, and of
     * {@code call} and {@code handler}, the last one called wins. Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private String queue = "default";
        private EncodedCall encodedCall;
        private String cron;
        private CronSyntax syntax = CronSyntax.UNIX;
        private ZoneId zone = ZoneOffset.UTC;
        private Duration interval;
        private Misfire misfire = Misfire.RUN_ONCE;
        private String description;
        private final Map<String, String> meta = new LinkedHashMap<>();
        private Duration resultTtl;
        private RetryPolicy retry;
        private Duration timeout;

        private Builder(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "recurring job name must be 1-100 characters of A-Z a-z 0-9 _ . : -, got: '" + name + "'");
            }
            this.name = name;
        }

        /** @param queue the queue the runs go to (default {@code default}) @return this builder */
        public Builder queue(String queue) {
            this.queue = JobNames.checkQueueName(queue);
            return this;
        }

        /**
         * Runs on a classic 5-field crontab schedule ({@link CronSyntax#UNIX}) read on the clock of
         * {@code zone}, daylight saving time included. On the day clocks go forward, a time that does
         * not exist runs as much later as the clocks jumped (02:30 runs at 03:30 in Europe/Paris); on
         * the day they go back, a time that occurs twice runs once, at its first occurrence, except
         * that expressions whose hour field is {@code *} keep following elapsed time through the
         * repeated hour.
         *
         * @param expression e.g. {@code 0 3 * * *} (every day at 03:00)
         * @param zone the zone whose wall clock the expression reads
         * @return this builder
         * @throws IllegalArgumentException quoting the expression and saying what is wrong with it
         */
        public Builder cron(String expression, ZoneId zone) {
            return cron(expression, zone, CronSyntax.UNIX);
        }

        /**
         * Like {@link #cron(String, ZoneId)}, with another syntax, e.g. 6 fields with seconds.
         *
         * @param expression the expression
         * @param zone the zone whose wall clock the expression reads
         * @param syntax how to read it
         * @return this builder
         * @throws IllegalArgumentException quoting the expression and saying what is wrong with it
         */
        public Builder cron(String expression, ZoneId zone, CronSyntax syntax) {
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(syntax, "syntax");
            CronSchedule s = CronSchedule.parse(expression, syntax.name(), zone);
            if (s.first(Instant.now().toEpochMilli()) == Schedule.NEVER) {
                throw new IllegalArgumentException(
                        "cron expression '" + expression + "' never fires: no date from now on matches it");
            }
            this.cron = s.expression();
            this.syntax = syntax;
            this.zone = zone;
            this.interval = null;
            return this;
        }

        /**
         * Like {@link #cron(String, ZoneId)} on the UTC clock.
         *
         * @param expression a 5-field crontab expression
         * @return this builder
         */
        public Builder cron(String expression) {
            return cron(expression, ZoneOffset.UTC);
        }

        /**
         * Runs at a fixed interval, the first time one interval after it is scheduled. The ticks keep
         * to one grid however late each is taken, so the interval does not drift.
         *
         * @param interval at least 100 ms
         * @return this builder
         */
        public Builder every(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.compareTo(MIN_INTERVAL) < 0) {
                throw new IllegalArgumentException(
                        "recurring interval must be at least " + MIN_INTERVAL.toMillis() + " ms, got: " + interval);
            }
            this.interval = interval;
            this.cron = null;
            this.zone = ZoneOffset.UTC;
            return this;
        }

        /**
         * Runs a handler registered by name on the workers; the arguments must be plain JSON data.
         *
         * @param handler the handler's name (must not contain {@code ::})
         * @param args its arguments, the same for every run
         * @return this builder
         */
        public Builder handler(String handler, Object... args) {
            if (!JobNames.isHandlerName(handler)) {
                throw new InvalidJobException("handler name must be " + JobNames.HANDLER_RULE + " without '::', got: '"
                        + handler + "'; to run a method use call(Type::method, ...)");
            }
            this.encodedCall = EncodedCall.named(handler, args);
            return this;
        }

        /** @param misfire what to do about ticks missed while no worker ran (default RUN_ONCE) @return this builder */
        public Builder misfire(Misfire misfire) {
            this.misfire = Objects.requireNonNull(misfire, "misfire");
            return this;
        }

        /** @param description at most 1,000 characters, carried by every run @return this builder */
        public Builder description(String description) {
            this.description = Checks.description(description);
            return this;
        }

        /**
         * @param key non-empty; {@code recurring} and {@code recurring_due} are set by jrq
         * @param value not null
         * @return this builder
         */
        public Builder meta(String key, String value) {
            Checks.meta(key, value);
            if (key.equals(RecurringDef.META_NAME) || key.equals(RecurringDef.META_DUE)) {
                throw new IllegalArgumentException("meta key must not be '" + RecurringDef.META_NAME + "' or '"
                        + RecurringDef.META_DUE + "', got: '" + key + "'");
            }
            meta.put(key, value);
            return this;
        }

        /** @param ttl how long each run's result is kept, at least one second @return this builder */
        public Builder resultTtl(Duration ttl) {
            this.resultTtl = JrqOptions.Builder.positiveSeconds(ttl, "resultTtl");
            return this;
        }

        /** @param policy how failed runs are retried @return this builder */
        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "retry");
            return this;
        }

        /** @param timeout how long each attempt of a run may take, at least 1 ms @return this builder */
        public Builder timeout(Duration timeout) {
            this.timeout = Checks.timeout(timeout);
            return this;
        }

        /**
         * @return the recurring job
         * @throws IllegalStateException when no schedule or nothing to run was set
         */
        public RecurringJob build() {
            if (cron == null && interval == null) {
                throw new IllegalStateException(
                        "recurring job '" + name + "' has no schedule: call cron(...) or every(...)");
            }
            if (encodedCall == null) {
                throw new IllegalStateException(
                        "recurring job '" + name + "' runs nothing: call call(Type::method, ...) or handler(...)");
            }
            return new RecurringJob(this);
        }

        private Builder method(Serializable ref, Object[] callArgs) {
            Objects.requireNonNull(ref, "fn");
            this.encodedCall = EncodedCall.of(ref, null, callArgs);
            return this;
        }

        /** Runs a static method with 0 argument(s) on each tick; see {@link #call(Fn.F1, Object)}. @return this builder */
        public <R> Builder call(Fn.F0<R> fn) {
            return method(fn, NO_ARGS);
        }

        /** Runs a static void method with 0 argument(s) on each tick. @return this builder */
        public Builder call(Fn.V0 fn) {
            return method(fn, NO_ARGS);
        }

        /**
         * Runs a static method on each tick, like {@code queue.enqueue(Reports::build, 42)}. The
         * reference and its arguments are checked now, exactly as at enqueue: lambdas, references
         * bound to an object and arguments that do not survive a JSON round trip are refused with an
         * {@link InvalidJobException}. Every run gets the same arguments.
         *
         * @param fn a static method reference
         * @param a its argument
         * @param <A> argument type
         * @param <R> result type
         * @return this builder
         */
        public <A, R> Builder call(Fn.F1<A, R> fn, A a) {
            return method(fn, new Object[] {a});
        }

        /** Runs a static void method with 1 argument(s) on each tick. @return this builder */
        public <A> Builder call(Fn.V1<A> fn, A a) {
            return method(fn, new Object[] {a});
        }

        /** Runs a static method with 2 argument(s) on each tick; see {@link #call(Fn.F1, Object)}. @return this builder */
        public <A, B, R> Builder call(Fn.F2<A, B, R> fn, A a, B b) {
            return method(fn, new Object[] {a, b});
        }

        /** Runs a static void method with 2 argument(s) on each tick. @return this builder */
        public <A, B> Builder call(Fn.V2<A, B> fn, A a, B b) {
            return method(fn, new Object[] {a, b});
        }

        /** Runs a static method with 3 argument(s) on each tick; see {@link #call(Fn.F1, Object)}. @return this builder */
        public <A, B, C, R> Builder call(Fn.F3<A, B, C, R> fn, A a, B b, C c) {
            return method(fn, new Object[] {a, b, c});
        }

        /** Runs a static void method with 3 argument(s) on each tick. @return this builder */
        public <A, B, C> Builder call(Fn.V3<A, B, C> fn, A a, B b, C c) {
            return method(fn, new Object[] {a, b, c});
        }

        /** Runs a static method with 4 argument(s) on each tick; see {@link #call(Fn.F1, Object)}. @return this builder */
        public <A, B, C, D, R> Builder call(Fn.F4<A, B, C, D, R> fn, A a, B b, C c, D d) {
            return method(fn, new Object[] {a, b, c, d});
        }

        /** Runs a static void method with 4 argument(s) on each tick. @return this builder */
        public <A, B, C, D> Builder call(Fn.V4<A, B, C, D> fn, A a, B b, C c, D d) {
            return method(fn, new Object[] {a, b, c, d});
        }

        /** Runs a static method with 5 argument(s) on each tick; see {@link #call(Fn.F1, Object)}. @return this builder */
        public <A, B, C, D, E, R> Builder call(Fn.F5<A, B, C, D, E, R> fn, A a, B b, C c, D d, E e) {
            return method(fn, new Object[] {a, b, c, d, e});
        }

        /** Runs a static void method with 5 argument(s) on each tick. @return this builder */
        public <A, B, C, D, E> Builder call(Fn.V5<A, B, C, D, E> fn, A a, B b, C c, D d, E e) {
            return method(fn, new Object[] {a, b, c, d, e});
        }

        /** Runs a static method with 6 argument(s) on each tick; see {@link #call(Fn.F1, Object)}. @return this builder */
        public <A, B, C, D, E, F, R> Builder call(Fn.F6<A, B, C, D, E, F, R> fn, A a, B b, C c, D d, E e, F f) {
            return method(fn, new Object[] {a, b, c, d, e, f});
        }

        /** Runs a static void method with 6 argument(s) on each tick. @return this builder */
        public <A, B, C, D, E, F> Builder call(Fn.V6<A, B, C, D, E, F> fn, A a, B b, C c, D d, E e, F f) {
            return method(fn, new Object[] {a, b, c, d, e, f});
        }
    }
}
