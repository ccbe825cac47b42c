package io.jrq.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.read.ListAppender;
import io.jrq.CorruptJobException;
import io.jrq.InvalidPayloadException;
import io.jrq.Job;
import io.jrq.JobInfo;
import io.jrq.JobNotAllowedException;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqException;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes what is stored in the keys jrq reads (see docs/PROTOCOL.md) and checks that bad records
 * are handled, against one real Redis shared by all tries and a worker that keeps running through
 * them all:
 *
 * <ul>
 *   <li>a bad job record (invalid or truncated JSON, wrong JSON types, unknown functions, missing or
 *       extra hash fields, unknown status, counters that are not numbers, a key of the wrong Redis
 *       type, megabytes of payload), whether the worker meets it in the ready list, the scheduled
 *       set or (through the reaper) the active set, ends FAILED in the failed registry with an error
 *       that says what was wrong, after at most one attempt; client reads of it give a result or a
 *       {@link CorruptJobException}, never anything else;</li>
 *   <li>other bad records (queue limits, the rate counter, worker entries, recurring definitions and
 *       their due set, events on the queue's channel, ids without a job) are skipped with a warning
 *       naming the key, and admin, recurring and client reads go on;</li>
 *   <li>after each try, a good job enqueued after the garbage runs and its result is pushed.</li>
 * </ul>
 *
 * <p>The warnings the garbage causes are expected, hundreds of lines of random text: while this class
 * runs they go to {@value #LOG} instead of the console (logback-test.xml's appender {@code err}).
 */
class BadRecordsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String Q = "fuzz";
    private static final String LOG = "target/failsafe-reports/io.jrq.security.BadRecordsIT-log.txt";
    private static final Keys KEYS = new Keys("jrq");
    private static final Set<String> JOB_ERRORS = Set.of(
            CorruptJobException.class.getName(),
            InvalidPayloadException.class.getName(),
            JobNotAllowedException.class.getName());
    private static final AtomicInteger BAD_JOBS = new AtomicInteger();
    private static final AtomicInteger BAD_OTHERS = new AtomicInteger();
    private static final AtomicInteger GOOD_JOBS = new AtomicInteger();
    /** The bad records a warning was already seen for: a worker repeats a warning at most once a minute. */
    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static RedisServer redis;
    private static Jrq jrq;
    private static Worker worker;
    private static ListAppender<ILoggingEvent> warnings;
    private static Appender<ILoggingEvent> console;
    private static FileAppender<ILoggingEvent> file;

    @BeforeContainer
    static void start() {
        toFile();
        redis = RedisServer.start();
        jrq = Jrq.connect(redis.url());
        worker = jrq.worker(Q)
                .allowPackages("io.jrq.testjobs")
                .concurrency(4)
                .handleSignals(false)
                .reapInterval(Duration.ofMillis(100))
                .shutdownGrace(Duration.ZERO)
                .start();
        warnings = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        warnings.setContext(root.getLoggerContext());
        warnings.start();
        root.addAppender(warnings);
    }

    @AfterContainer
    static void stop() {
        System.out.println("BadRecordsIT: bad job records=" + BAD_JOBS.get() + " other bad records=" + BAD_OTHERS.get()
                + " good jobs run after them=" + GOOD_JOBS.get() + " worker running="
                + (worker != null && worker.isRunning()));
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(warnings);
        if (worker != null) {
            worker.close();
        }
        if (jrq != null) {
            jrq.close();
        }
        if (redis != null) {
            redis.close();
        }
        backToConsole();
    }

    /** Sends the log to {@value #LOG} in place of the console appender, for the expected warnings of this class. */
    private static void toFile() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(root.getLoggerContext());
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n");
        encoder.start();
        file = new FileAppender<>();
        file.setContext(root.getLoggerContext());
        file.setName("bad-records-file");
        file.setFile(LOG);
        file.setAppend(false);
        file.setEncoder(encoder);
        file.start();
        root.addAppender(file);
        console = root.getAppender("err");
        if (console != null) {
            root.detachAppender(console);
        }
        System.out.println("BadRecordsIT: the warnings its bad records cause are written to " + LOG);
    }

    private static void backToConsole() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (console != null) {
            root.addAppender(console);
        }
        root.detachAppender(file);
        file.stop();
    }

    @BeforeTry
    void clearLogs() {
        // logback's AppenderBase appends under the appender's own monitor, so reads take that one
        ListAppender<ILoggingEvent> w = warnings;
        synchronized (w) {
            w.list.clear();
        }
    }

    /** A bad job record: how it is written at the job key, and what it is, for the report of a failing try. */
    record BadJob(String what, BiConsumer<String, String> write) {
        @Override
        public String toString() {
            return what.length() > 200 ? what.substring(0, 200) + "..." : what;
        }
    }

    /** Where the worker meets the bad job: ready list, scheduled set (due), or active set (lease expired: the reaper). */
    enum Placement {
        READY,
        SCHEDULED,
        ACTIVE
    }

    private static String envelope(String id, String fn, String args) {
        return "{\"v\":1,\"id\":\"" + id + "\",\"fn\":\"" + fn + "\",\"args\":" + args + "}";
    }

    private static BadJob hash(String what, String... fields) {
        return new BadJob(what, (key, id) -> {
            List<String> cmd = new ArrayList<>(List.of("HSET", key));
            for (String f : fields) {
                cmd.add(f.replace("$ID", id));
            }
            redis.execute(cmd.toArray(String[]::new));
        });
    }

    private static BadJob queuedPayload(String what, String payload) {
        return hash(what + ": " + payload, "status", "QUEUED", "payload", payload);
    }

    @Provide
    Arbitrary<BadJob> badJobs() {
        String good = envelope("$ID", "io.jrq.testjobs.Jobs::add", "[1,2]");
        Arbitrary<BadJob> truncated = Arbitraries.integers()
                .between(0, good.length() - 1)
                .map(n -> queuedPayload("truncated JSON", good.substring(0, n)));
        Arbitrary<BadJob> noise = Arbitraries.strings()
                .ofMinLength(0)
                .ofMaxLength(300)
                .filter(s -> !s.isBlank() && !s.trim().startsWith("{"))
                .map(s -> queuedPayload("not JSON", s));
        Arbitrary<BadJob> wrongTypes = Arbitraries.of(
                        "[]",
                        "1",
                        "\"text\"",
                        "null",
                        "true",
                        "{}",
                        "{\"v\":\"1\",\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1,2]}",
                        "{\"v\":2,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1,2]}",
                        "{\"v\":1,\"fn\":42,\"args\":[1,2]}",
                        "{\"v\":1,\"fn\":null,\"args\":[1,2]}",
                        "{\"v\":1,\"args\":[1,2]}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":{\"a\":1}}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":\"1,2\"}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[\"one\",{}]}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1]}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1,2],\"params\":\"int\"}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1,2],\"params\":[1,2]}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1,2],\"meta\":[1]}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1e999,2]}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[12345678901234567890,2]}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::nope\",\"args\":[1,2]}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.NoSuchClass::run\",\"args\":[]}",
                        "{\"v\":1,\"fn\":\"no-such-handler\",\"args\":[]}",
                        "{\"v\":1,\"fn\":\"::\",\"args\":[]}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add;rm -rf /\",\"args\":[1,2]}",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs..Jobs::add\",\"args\":[1,2]}",
                        "{\"v\":1,\"fn\":\"\",\"args\":[]}")
                .map(p -> queuedPayload("wrong JSON types or unknown function", p));
        Arbitrary<BadJob> fields = Arbitraries.of(
                hash("no payload field", "status", "QUEUED", "attempts", "0"),
                hash("no status field", "payload", envelope("$ID", "io.jrq.testjobs.Jobs::add", "[1,2]")),
                hash(
                        "unknown status",
                        "status",
                        "RUNNING-ISH",
                        "payload",
                        envelope("$ID", "io.jrq.testjobs.Jobs::add", "[1,2]")),
                hash(
                        "attempts not a number",
                        "status",
                        "QUEUED",
                        "attempts",
                        "many",
                        "payload",
                        envelope("$ID", "io.jrq.testjobs.Jobs::add", "[1,2]")),
                hash(
                        "attempts too large",
                        "status",
                        "QUEUED",
                        "attempts",
                        "99999999999999999999",
                        "payload",
                        envelope("$ID", "io.jrq.testjobs.Jobs::add", "[1,2]")),
                hash(
                        "leases not a number",
                        "status",
                        "QUEUED",
                        "leases",
                        "-x",
                        "payload",
                        envelope("$ID", "io.jrq.testjobs.Jobs::add", "[1,2]")),
                hash(
                        "recoveries not a number",
                        "status",
                        "QUEUED",
                        "recoveries",
                        "1.5",
                        "payload",
                        envelope("$ID", "io.jrq.testjobs.Jobs::add", "[1,2]")),
                hash(
                        "extra fields and a bad payload",
                        "status",
                        "QUEUED",
                        "payload",
                        "{\"v\":1}",
                        "zzz",
                        "1",
                        "error",
                        "{bad",
                        "errors",
                        "[1,2",
                        "progress",
                        "{\"percent\":\"x\"}",
                        "enqueued_at",
                        "yesterday",
                        "result",
                        "{"));
        Arbitrary<BadJob> wrongRedisType = Arbitraries.of(
                new BadJob(
                        "a string, not a hash",
                        (key, id) -> redis.execute("SET", key, envelope(id, "io.jrq.testjobs.Jobs::add", "[1,2]"))),
                new BadJob("a list, not a hash", (key, id) -> redis.execute("RPUSH", key, "payload", "QUEUED")),
                new BadJob("a set, not a hash", (key, id) -> redis.execute("SADD", key, "payload")),
                new BadJob("a sorted set, not a hash", (key, id) -> redis.execute("ZADD", key, "1", "payload")));
        Arbitrary<BadJob> huge = Arbitraries.integers()
                .between(1, 3)
                .map(mb -> queuedPayload(
                        "huge payload of " + mb + " MB",
                        envelope("$ID", "io.jrq.testjobs.Jobs::add", "[\"" + "x".repeat(mb << 20) + "\",2]")));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, truncated),
                net.jqwik.api.Tuple.of(3, noise),
                net.jqwik.api.Tuple.of(4, wrongTypes),
                net.jqwik.api.Tuple.of(3, fields),
                net.jqwik.api.Tuple.of(2, wrongRedisType),
                net.jqwik.api.Tuple.of(1, huge));
    }

    @Property(tries = 100)
    void aBadJobRecordIsMovedAsideAndTheWorkerGoesOn(@ForAll("badJobs") BadJob bad, @ForAll Placement where) {
        String id = "bad-" + UUID.randomUUID();
        String key = KEYS.job(Q, id);
        bad.write().accept(key, id);
        if (where == Placement.READY
                && !bad.what().startsWith("a ")
                && redis.execute("HEXISTS", key, "status").equals("1")
                && !redis.execute("HGET", key, "status").equals("QUEUED")) {
            // only QUEUED jobs are leased from the ready list; other statuses there are stale ids
            redis.execute("HSET", key, "status", "BOGUS");
        }
        switch (where) {
            case READY -> redis.execute("LPUSH", KEYS.ready(Q), id);
            case SCHEDULED -> {
                if (redis.execute("TYPE", key).equals("hash")
                        && "QUEUED".equals(redis.execute("HGET", key, "status"))) {
                    redis.execute("HSET", key, "status", "SCHEDULED");
                }
                redis.execute("ZADD", KEYS.scheduled(Q), "1", id);
            }
            case ACTIVE -> {
                if (redis.execute("TYPE", key).equals("hash")
                        && "QUEUED".equals(redis.execute("HGET", key, "status"))) {
                    redis.execute("HSET", key, "status", "STARTED", "token", "gone-worker:1", "worker", "gone-worker");
                }
                redis.execute("ZADD", KEYS.active(Q), "1", id);
            }
        }
        BAD_JOBS.incrementAndGet();
        readsAreClear(id);

        JobInfo info = ended(id);
        assertThat(info.status()).as(bad.toString()).isEqualTo(JobStatus.FAILED);
        assertThat(info.error()).as(bad.toString()).isPresent();
        assertThat(info.error().get().type()).as(bad.toString()).isIn(JOB_ERRORS);
        assertThat(info.error().get().message()).as(bad.toString()).isNotBlank().doesNotContain("NullPointerException");
        assertThat(info.attempts()).as("never retried: " + bad).isLessThanOrEqualTo(1);
        assertThat(redis.execute("ZSCORE", KEYS.failed(Q), id))
                .as("in the failed registry: " + bad)
                .isNotNull();
        readsAreClear(id);
        goodJobStillRuns();
    }

    @Provide
    Arbitrary<String> badQueuedRecords() {
        String good = envelope("$ID", "io.jrq.testjobs.Jobs::add", "[1,2]");
        Arbitrary<String> noTime =
                Arbitraries.strings().ofMinLength(0).ofMaxLength(100).filter(v -> !v.matches("(?s)\\d{1,15}:.+"));
        Arbitrary<String> badPayload =
                Arbitraries.integers().between(0, good.length() - 1).map(n -> "1700000000000:" + good.substring(0, n));
        Arbitrary<String> notAnEnvelope = Arbitraries.of(
                "1700000000000:[]",
                "1700000000000:{}",
                "1700000000000:null",
                "1700000000000:{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::nope\",\"args\":[]}",
                "1700000000000::",
                "99999999999999999999:" + good);
        return Arbitraries.oneOf(noTime, badPayload, notAnEnvelope);
    }

    /** The compact form of a queued job (a field of the queue's queued hash, docs/PROTOCOL.md) can be bad too. */
    @Property(tries = 40)
    void aBadQueuedRecordIsMovedAsideAndTheWorkerGoesOn(@ForAll("badQueuedRecords") String value) {
        String id = "bad-" + UUID.randomUUID();
        String record = value.replace("$ID", id);
        redis.execute("HSET", KEYS.queued(Q), id, record);
        redis.execute("LPUSH", KEYS.ready(Q), id);
        BAD_JOBS.incrementAndGet();
        readsAreClear(id);

        JobInfo info = ended(id);
        assertThat(info.status()).as(record).isEqualTo(JobStatus.FAILED);
        assertThat(info.error().get().type()).as(record).isIn(JOB_ERRORS);
        assertThat(info.error().get().message()).as(record).isNotBlank().doesNotContain("NullPointerException");
        assertThat(redis.execute("HEXISTS", KEYS.queued(Q), id))
                .as("record removed: " + record)
                .isEqualTo("0");
        readsAreClear(id);
        goodJobStillRuns();
    }

    /** Every client read of the record gives a result or a {@link CorruptJobException}, nothing else. */
    private static void readsAreClear(String id) {
        try {
            Optional<Job<Object>> job = jrq.queue(Q).job(id);
            job.ifPresent(j -> {
                j.status();
                j.info();
                j.error();
                j.attempts();
            });
        } catch (CorruptJobException expected) {
            assertThat(expected.getMessage()).contains(id);
        }
        jrq.admin().jobs(Q, JobStatus.FAILED, 0, 20);
        jrq.admin().jobs(Q, JobStatus.QUEUED, 0, 20);
        jrq.admin().queue(Q);
    }

    private static JobInfo ended(String id) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JobInfo last = null;
        while (System.nanoTime() < deadline) {
            last = jrq.admin().job(Q, id).orElse(null);
            // A record that cannot be read is listed as FAILED at once; the worker's verdict is the registry entry.
            if (last != null && last.status().isTerminal() && redis.execute("ZSCORE", KEYS.failed(Q), id) != null) {
                return last;
            }
            sleep(20);
        }
        throw new AssertionError("job " + id + " did not end within " + WAIT + "; last seen: " + last);
    }

    private static void goodJobStillRuns() {
        int n = GOOD_JOBS.incrementAndGet();
        Job<Integer> good = jrq.queue(Q).enqueue(Jobs::add, n, 1);
        // await() is woken by the pub/sub event: the result is pushed, not polled.
        assertThat(good.await(WAIT)).isEqualTo(n + 1);
        assertThat(worker.isRunning()).isTrue();
    }

    /** Another bad record: what it is, the key a warning must name (or null), and how to write and remove it. */
    record BadRecord(String what, String key, Runnable write, Runnable cleanup) {
        @Override
        public String toString() {
            return what;
        }
    }

    @Provide
    Arbitrary<BadRecord> badRecords() {
        Arbitrary<String> junk = Arbitraries.oneOf(
                Arbitraries.strings().ofMinLength(1).ofMaxLength(40),
                Arbitraries.of("x", "-1", "1.5", "NaN", "99999999999999999999999", "", " 7"));
        String limits = KEYS.limits(Q);
        String rate = KEYS.rate(Q);
        Arbitrary<BadRecord> badLimits = Combinators.combine(Arbitraries.of("concurrency", "rate", "period_ms"), junk)
                .as((f, v) -> new BadRecord(
                        "limits " + f + "=" + v,
                        v.trim().matches("\\d{1,9}") ? null : limits,
                        () -> redis.execute("HSET", limits, f, v),
                        // a valid rate lets a fetch create the counter: it goes too, or a later case finds it
                        () -> redis.execute("DEL", limits, rate)));
        Arbitrary<BadRecord> limitsNotAHash = Arbitraries.just(new BadRecord(
                "limits as a string",
                limits,
                () -> redis.execute("SET", limits, "10"),
                () -> redis.execute("DEL", limits)));
        Arbitrary<BadRecord> badRate = junk.map(v -> new BadRecord(
                "rate counter " + v,
                null,
                () -> {
                    redis.execute("HSET", limits, "rate", "1000", "period_ms", "60000");
                    redis.execute("SET", rate, v);
                },
                () -> redis.execute("DEL", limits, rate)));
        Arbitrary<BadRecord> rateNotAString = Arbitraries.just(new BadRecord(
                "rate counter as a hash",
                null,
                () -> {
                    // the hash first: once the limit is set, a worker's fetch may create the counter itself
                    redis.execute("HSET", rate, "a", "1");
                    redis.execute("HSET", limits, "rate", "1000");
                },
                () -> redis.execute("DEL", limits, rate)));
        Arbitrary<BadRecord> badWorker = Combinators.combine(
                        Arbitraries.of("pid", "concurrency", "started_at", "heartbeat_at", "name"), junk)
                .as((f, v) -> {
                    String name = "ghost-" + UUID.randomUUID();
                    String key = KEYS.worker(name);
                    boolean numeric = !f.equals("name") && v.matches("-?\\d{1,9}");
                    return new BadRecord(
                            "worker entry " + f + "=" + v,
                            numeric ? null : key,
                            () -> {
                                redis.execute("SADD", KEYS.workers(), name);
                                if (f.equals("name")) {
                                    redis.execute("HSET", key, "pid", "1");
                                } else {
                                    redis.execute("HSET", key, "name", name, f, v);
                                }
                            },
                            () -> {
                                redis.execute("SREM", KEYS.workers(), name);
                                redis.execute("DEL", key);
                            });
                });
        Arbitrary<BadRecord> workerNotAHash = Arbitraries.just(1).map(x -> {
            String name = "ghost-" + UUID.randomUUID();
            return new BadRecord(
                    "worker entry as a list",
                    KEYS.worker(name),
                    () -> {
                        redis.execute("SADD", KEYS.workers(), name);
                        redis.execute("RPUSH", KEYS.worker(name), "x");
                    },
                    () -> {
                        redis.execute("SREM", KEYS.workers(), name);
                        redis.execute("DEL", KEYS.worker(name));
                    });
        });
        Arbitrary<BadRecord> badRecurring = Arbitraries.oneOf(
                        junk,
                        Arbitraries.of(
                                "{}", "[]", "{\"name\":\"r\",\"queue\":\"fuzz\"}", "{\"v\":1,\"cron\":\"not a cron\"}"))
                .map(v -> {
                    String name = "r-" + UUID.randomUUID().toString().substring(0, 8);
                    return new BadRecord(
                            "recurring definition " + v,
                            KEYS.recurring(Q),
                            () -> {
                                redis.execute("HSET", KEYS.recurring(Q), name, v);
                                redis.execute("ZADD", KEYS.recurringDue(Q), "1", name);
                            },
                            () -> {
                                redis.execute("HDEL", KEYS.recurring(Q), name);
                                redis.execute("ZREM", KEYS.recurringDue(Q), name);
                            });
                });
        Arbitrary<BadRecord> recurringNotAHash = Arbitraries.just(new BadRecord(
                "recurring hash as a string",
                KEYS.recurring(Q),
                () -> redis.execute("SET", KEYS.recurring(Q), "{}"),
                () -> redis.execute("DEL", KEYS.recurring(Q))));
        Arbitrary<BadRecord> badEvent = junk.map(
                v -> new BadRecord("event " + v, null, () -> redis.execute("PUBLISH", KEYS.events(Q), v), () -> {}));
        Arbitrary<BadRecord> strangeEvent = Arbitraries.of(
                        "{\"id\":\"nobody\",\"status\":\"FINISHED\"}",
                        "{\"id\":7,\"status\":null}",
                        "{\"status\":\"FAILED\"}",
                        "{\"id\":\"x\",\"progress\":\"half\",\"status\":\"STARTED\"}",
                        "[]")
                .map(v ->
                        new BadRecord("event " + v, null, () -> redis.execute("PUBLISH", KEYS.events(Q), v), () -> {}));
        Arbitrary<BadRecord> orphanId = Arbitraries.just(1)
                .map(x -> new BadRecord(
                        "an id without a job hash",
                        null,
                        () -> redis.execute("LPUSH", KEYS.ready(Q), "orphan-" + UUID.randomUUID()),
                        () -> {}));
        return Arbitraries.oneOf(
                badLimits,
                limitsNotAHash,
                badRate,
                rateNotAString,
                badWorker,
                workerNotAHash,
                badRecurring,
                recurringNotAHash,
                badEvent,
                strangeEvent,
                orphanId);
    }

    @Example
    void aWorkerFieldInDigitsOfAnotherScriptIsBadNotZero() {
        // Long.parseLong reads Arabic-Indic and Devanagari digits; Lua's tonumber does not. A reader that
        // took "\u0660" as pid 0 would list a record the scripts treat as broken, without a warning.
        String name = "ghost-" + UUID.randomUUID();
        String key = KEYS.worker(name);
        redis.execute("SADD", KEYS.workers(), name);
        redis.execute("HSET", key, "name", name, "pid", "\u0660", "concurrency", "\u096a\u0968");
        try {
            assertThat(jrq.admin().workers()).noneMatch(w -> w.name().equals(name));
            List<String> logged;
            ListAppender<ILoggingEvent> w = warnings;
            synchronized (w) {
                logged = w.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            }
            assertThat(logged).anyMatch(m -> m.contains(key) && m.contains("\\u0660"));
        } finally {
            redis.execute("SREM", KEYS.workers(), name);
            redis.execute("DEL", key);
        }
    }

    @Property(tries = 60)
    void otherBadRecordsAreSkippedWithAWarningAndNothingStops(@ForAll("badRecords") BadRecord bad) {
        bad.write().run();
        BAD_OTHERS.incrementAndGet();
        try {
            // Reads an operator or the CLI makes: none may fail because of one bad record.
            jrq.admin().queue(Q);
            jrq.admin().queues();
            jrq.admin().workers();
            jrq.recurring().list();
            List<String> unreadable = jrq.recurring().unreadable();
            if (bad.what().startsWith("recurring") && bad.key() != null) {
                assertThat(unreadable)
                        .as("reported by Recurring.unreadable: " + bad)
                        .isNotEmpty();
            }
            goodJobStillRuns();
            // The same record drawn again within a minute is not warned about twice.
            if (bad.key() != null && !WARNED.contains(bad.what())) {
                List<String> logged;
                ListAppender<ILoggingEvent> w = warnings;
                synchronized (w) {
                    logged = w.list.stream()
                            .map(ILoggingEvent::getFormattedMessage)
                            .toList();
                }
                assertThat(logged)
                        .as("a warning names " + bad.key() + " for " + bad)
                        .anyMatch(m -> m.contains(bad.key()));
                WARNED.add(bad.what());
            }
        } catch (JrqException e) {
            throw new AssertionError(bad + " broke a read: " + e, e);
        } finally {
            bad.cleanup().run();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
