package io.jrq.recurring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.CronSyntax;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.Misfire;
import io.jrq.Recurring;
import io.jrq.RecurringInfo;
import io.jrq.RecurringJob;
import io.jrq.internal.Keys;
import io.jrq.internal.redis.Redis;
import io.jrq.internal.redis.Script;
import io.jrq.internal.redis.Scripts;
import io.jrq.testjobs.Ticks;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recurring jobs against a real Redis, with workers that each have their own client, as separate
 * processes would: one run per tick however many workers tick, updates, deletes and misfires.
 */
@ExtendWith(RedisExtension.class)
class RecurringIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration EVERY = Duration.ofMillis(300);

    private final RedisServer redis;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Jrq jrq;
    private Recurring recurring;
    private String queue;

    RecurringIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void setUp() {
        jrq = Jrq.connect(redis.url());
        recurring = jrq.recurring();
        queue = "rec-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        recurring.list().stream().filter(r -> r.queue().equals(queue)).forEach(r -> recurring.delete(queue, r.name()));
        jrq.close();
    }

    /** Starts {@code n} workers on the test's queue, each on its own client. */
    private void workers(int n) {
        for (int i = 0; i < n; i++) {
            Jrq client = Jrq.connect(redis.url());
            closeables.add(client);
            closeables.add(client.worker(queue)
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start());
        }
    }

    private static String label() {
        return UUID.randomUUID().toString();
    }

    private RecurringInfo every(String name, Duration interval, String label, Misfire misfire) {
        return recurring.schedule(RecurringJob.builder(name)
                .queue(queue)
                .every(interval)
                .call(Ticks::record, label)
                .misfire(misfire)
                .build());
    }

    /** The due times of a label's runs, sorted. */
    private static List<Long> dues(String label) {
        return Ticks.runs(label).stream().map(Ticks::due).sorted().toList();
    }

    private static void assertConsecutive(List<Long> dues, long stepMs) {
        for (int i = 1; i < dues.size(); i++) {
            assertThat(dues.get(i) - dues.get(i - 1))
                    .as("gap between ticks %d and %d of %s", i - 1, i, dues)
                    .isEqualTo(stepMs);
        }
    }

    @Test
    void threeWorkersRunEveryTickExactlyOnce() {
        workers(3);
        String label = label();
        RecurringInfo info = every("every-300ms", EVERY, label, Misfire.RUN_ONCE);
        long first = info.nextDue().orElseThrow().toEpochMilli();
        await().atMost(WAIT).until(() -> Ticks.runs(label).size() >= 22);
        assertThat(recurring.delete(queue, "every-300ms")).isTrue();
        await().pollDelay(Duration.ofMillis(600))
                .atMost(WAIT)
                .until(() -> jrq.queue(queue).size() == 0);

        List<String> runs = Ticks.runs(label);
        List<Long> dues = dues(label);
        assertThat(runs).as("no tick ran twice").doesNotHaveDuplicates();
        assertThat(dues.get(0)).as("the first run is the first tick").isEqualTo(first);
        assertConsecutive(dues, EVERY.toMillis()); // and none is missing
        assertThat(dues.size()).isGreaterThanOrEqualTo(22);
    }

    @Test
    void anUpdateChangesTheScheduleADeleteStopsItAndListAndGetShowIt() {
        workers(1);
        String a = label();
        RecurringInfo created = every("job", EVERY, a, Misfire.RUN_ONCE);
        assertThat(recurring.get(queue, "job")).hasValueSatisfying(r -> {
            assertThat(r.interval()).contains(EVERY);
            assertThat(r.function()).isEqualTo("io.jrq.testjobs.Ticks::record");
            assertThat(r.misfire()).isEqualTo(Misfire.RUN_ONCE);
            assertThat(r.nextDue()).isPresent();
        });
        assertThat(recurring.list())
                .filteredOn(r -> r.queue().equals(queue))
                .extracting(RecurringInfo::name)
                .containsExactly("job");
        await().atMost(WAIT).until(() -> Ticks.runs(a).size() >= 3);

        String b = label();
        RecurringInfo updated = every("job", Duration.ofMillis(700), b, Misfire.SKIP);
        assertThat(updated.interval()).contains(Duration.ofMillis(700));
        assertThat(updated.createdAt()).isEqualTo(created.createdAt());
        assertThat(updated.updatedAt()).isAfter(created.updatedAt());
        await().atMost(WAIT).until(() -> Ticks.runs(b).size() >= 3);
        assertConsecutive(dues(b), 700);
        assertThat(dues(a)).allMatch(d -> d < dues(b).get(0));
        assertThat(recurring.get(queue, "job").orElseThrow().misfire()).isEqualTo(Misfire.SKIP);

        // An update that keeps the schedule keeps the next due time.
        RecurringInfo nightly = recurring.schedule(RecurringJob.builder("nightly")
                .queue(queue)
                .cron("0 3 * * *", ZoneId.of("Europe/Paris"))
                .handler("report", 1)
                .build());
        RecurringInfo renamed = recurring.schedule(RecurringJob.builder("nightly")
                .queue(queue)
                .cron("0 3 * * *", ZoneId.of("Europe/Paris"))
                .handler("report", 2)
                .description("v2")
                .build());
        assertThat(renamed.nextDue()).isEqualTo(nightly.nextDue());
        assertThat(renamed.description()).contains("v2");
        assertThat(renamed.nextDue()
                        .orElseThrow()
                        .atZone(ZoneId.of("Europe/Paris"))
                        .toLocalTime())
                .hasToString("03:00");
        assertThat(recurring.list())
                .filteredOn(r -> r.queue().equals(queue))
                .extracting(RecurringInfo::name)
                .containsExactly("job", "nightly");

        assertThat(recurring.delete(queue, "job")).isTrue();
        assertThat(recurring.delete(queue, "job")).isFalse();
        assertThat(recurring.get(queue, "job")).isEmpty();
        assertThat(recurring.list())
                .filteredOn(r -> r.queue().equals(queue))
                .extracting(RecurringInfo::name)
                .containsExactly("nightly");
        await().pollDelay(Duration.ofMillis(400))
                .atMost(WAIT)
                .until(() -> jrq.queue(queue).size() == 0);
        int after = Ticks.runs(b).size();
        await().pollDelay(Duration.ofMillis(1500)).atMost(WAIT).until(() -> true);
        assertThat(Ticks.runs(b)).as("no run after the delete").hasSize(after);
    }

    @Test
    void afterDowntimeRunOnceCatchesUpOnceAndSkipDoesNot() {
        String once = label();
        String skip = label();
        long firstOnce = every("catch-up", EVERY, once, Misfire.RUN_ONCE)
                .nextDue()
                .orElseThrow()
                .toEpochMilli();
        every("skipper", EVERY, skip, Misfire.SKIP);
        // No worker for 2.5 s: 8 ticks come and go, and the first is well past the 1 s grace.
        await().pollDelay(Duration.ofMillis(2500)).atMost(WAIT).until(() -> true);
        long restart = System.currentTimeMillis();
        workers(1);
        await().atMost(WAIT)
                .until(() -> Ticks.runs(once).size() >= 5 && Ticks.runs(skip).size() >= 4);

        List<Long> o = dues(once);
        assertThat(o.get(0)).as("one catch-up run, for the first missed tick").isEqualTo(firstOnce);
        assertThat(o.get(0)).isLessThan(restart - 1500);
        List<Long> regular = o.subList(1, o.size());
        assertThat(regular).as("no further catch-up runs").allMatch(d -> d >= restart - 100);
        assertConsecutive(regular, EVERY.toMillis());

        List<Long> s = dues(skip);
        assertThat(s).as("no catch-up run").allMatch(d -> d >= restart - 100);
        assertConsecutive(s, EVERY.toMillis());
        assertThat(Ticks.runs(once)).doesNotHaveDuplicates();
    }

    @Test
    void aCronScheduleWithSecondsRunsOnEachSecond() {
        workers(2);
        String label = label();
        recurring.schedule(RecurringJob.builder("each-second")
                .queue(queue)
                .cron("* * * * * *", ZoneId.of("Europe/Paris"), CronSyntax.SPRING)
                .call(Ticks::record, label)
                .build());
        await().atMost(WAIT).until(() -> Ticks.runs(label).size() >= 3);
        List<Long> dues = dues(label);
        assertThat(dues).allMatch(d -> d % 1000 == 0);
        assertConsecutive(dues, 1000);
        assertThat(Ticks.runs(label)).doesNotHaveDuplicates();
    }

    @Test
    void ofManyConcurrentCallersOfTickLuaExactlyOneTakesATick() throws Exception {
        // The compare-and-set on its own, without the deterministic-id guard: every caller uses another run id.
        recurring.schedule(RecurringJob.builder("race")
                .queue(queue)
                .every(Duration.ofHours(1))
                .handler("h")
                .build());
        Keys keys = new Keys("jrq");
        try (Redis r = Redis.connect(JrqOptions.builder().url(redis.url()).build())) {
            Scripts scripts = new Scripts(r);
            String def = r.await(r.async().hget(keys.recurring(queue), "race"));
            long due = System.currentTimeMillis() - 1000;
            r.await(r.async().zadd(keys.recurringDue(queue), (double) due, "race"));
            String[] k = {keys.recurringDue(queue), keys.recurring(queue), keys.ready(queue), keys.jobPrefix(queue)};
            int callers = 16;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            try {
                List<Future<Long>> results = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    String id = "run-" + i;
                    Callable<Long> call = () -> {
                        go.await();
                        return scripts.call(
                                Script.TICK,
                                ScriptOutputType.INTEGER,
                                k,
                                "race",
                                Long.toString(due),
                                Long.toString(due + 3_600_000),
                                id,
                                "{\"v\":1,\"fn\":\"h\"}",
                                def);
                    };
                    results.add(pool.submit(call));
                }
                go.countDown();
                List<Long> taken = new ArrayList<>();
                for (Future<Long> f : results) {
                    taken.add(f.get());
                }
                assertThat(taken).containsOnly(0L, 1L).filteredOn(t -> t == 1L).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(r.await(r.async().llen(keys.ready(queue)))).isEqualTo(1L);
            assertThat(r.await(r.async().zscore(keys.recurringDue(queue), "race")))
                    .isEqualTo((double) (due + 3_600_000));

            // The same tick again (as if the job had been deleted and scheduled anew): no second run.
            String winner = r.await(r.async().lindex(keys.ready(queue), 0));
            r.await(r.async().zadd(keys.recurringDue(queue), (double) due, "race"));
            Long again = scripts.call(
                    Script.TICK,
                    ScriptOutputType.INTEGER,
                    k,
                    "race",
                    Long.toString(due),
                    Long.toString(due + 3_600_000),
                    winner,
                    "{}",
                    def);
            assertThat(again).isEqualTo(2L);
            assertThat(r.await(r.async().llen(keys.ready(queue)))).isEqualTo(1L);
            // A changed definition, or a tick not yet due on the Redis clock, is not taken.
            r.await(r.async().zadd(keys.recurringDue(queue), (double) due, "race"));
            assertThat((Long) scripts.call(
                            Script.TICK,
                            ScriptOutputType.INTEGER,
                            k,
                            "race",
                            Long.toString(due),
                            "1",
                            "x",
                            "{}",
                            def + " "))
                    .isZero();
            long future = System.currentTimeMillis() + 60_000;
            r.await(r.async().zadd(keys.recurringDue(queue), (double) future, "race"));
            assertThat((Long) scripts.call(
                            Script.TICK,
                            ScriptOutputType.INTEGER,
                            k,
                            "race",
                            Long.toString(future),
                            "1",
                            "x",
                            "{}",
                            def))
                    .isZero();
        }
    }
}
