package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrq.internal.Keys;
import io.jrq.testjobs.Greeter;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Enqueue, run and watch jobs against a real Redis, with workers in this JVM. */
@ExtendWith(RedisExtension.class)
class EndToEndIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RedisServer redis;
    private Jrq jrq;
    private String name;
    private final List<Worker> workers = new ArrayList<>();

    EndToEndIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void connect() {
        jrq = Jrq.connect(redis.url());
        name = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void close() {
        workers.forEach(Worker::close);
        jrq.close();
    }

    private Worker worker(String... queues) {
        Worker w = jrq.worker(queues)
                .allowPackages("io.jrq.testjobs")
                .concurrency(4)
                .handleSignals(false)
                .start();
        workers.add(w);
        return w;
    }

    @Test
    void runsAStaticMethodAndPushesTheResult() {
        Queue q = jrq.queue(name);
        Job<Integer> job = q.enqueue(Jobs::add, 2, 3);
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.result()).isEmpty();
        Worker w = worker(name);
        assertThat(job.await(WAIT)).isEqualTo(5);
        JobInfo info = job.info();
        assertThat(info.status()).isEqualTo(JobStatus.FINISHED);
        assertThat(info.function()).isEqualTo(Jobs.class.getName() + "::add");
        assertThat(info.attempts()).isEqualTo(1);
        assertThat(info.worker()).contains(w.name());
        assertThat(info.enqueuedAt().orElseThrow())
                .isBeforeOrEqualTo(info.startedAt().orElseThrow());
        assertThat(info.startedAt().orElseThrow())
                .isBeforeOrEqualTo(info.endedAt().orElseThrow());
        assertThat(info.endedAt().orElseThrow()).isAfter(Instant.now().minusSeconds(60));
        assertThat(job.result()).contains(5);
    }

    @Test
    void runsEveryShapeOfJob() {
        Queue q = jrq.queue(name);
        worker(name);
        assertThat(q.enqueue(Jobs::hello).await(WAIT)).isEqualTo("hello");
        assertThat(q.enqueue(Jobs::concat, "a", "b", "c", "d", "e", "f").await(WAIT))
                .isEqualTo("abcdef");
        assertThat(q.enqueue(Jobs::move, new Jobs.Point(1, 1), 2).await(WAIT)).isEqualTo(new Jobs.Point(3, 1));
        assertThat(q.enqueue(Jobs::total, List.of(1, 2, 3, 4)).await(WAIT)).isEqualTo(10);
        assertThat(q.enqueue(Greeter.class, Greeter::greet, "Ann").await(WAIT)).isEqualTo("Hello, Ann");
        String key = UUID.randomUUID().toString();
        Job<Void> v = q.enqueue(Jobs::touch, key);
        assertThat(v.await(WAIT)).isNull();
        assertThat(v.status()).isEqualTo(JobStatus.FINISHED);
        assertThat(Jobs.RUNS.get(key)).hasValue(1);
        Job<Void> iv = q.enqueue(Greeter.class, Greeter::noop);
        iv.await(WAIT);
        assertThat(iv.status()).isEqualTo(JobStatus.FINISHED);
        Job<String> ctx = q.enqueue(Jobs::whoAmI);
        assertThat(ctx.await(WAIT)).isEqualTo(name + "/" + ctx.id() + "/1");
    }

    @Test
    void runsHandlersByName() {
        Queue q = jrq.queue(name);
        workers.add(jrq.worker(name)
                .handleSignals(false)
                .handler("sum", c -> c.arg(0, Integer.class) + c.arg(1, Integer.class))
                .handler("shout", c -> Map.of("said", c.arg(0, String.class).toUpperCase(java.util.Locale.ROOT)))
                .start());
        assertThat(q.enqueue("sum", 20, 22).await(WAIT)).isEqualTo(42);
        assertThat(q.enqueue("shout", "hi").await(WAIT)).isEqualTo(Map.of("said", "HI"));
        assertThat(q.enqueue("sum", 1, 2).as(Long.class).await(WAIT)).isEqualTo(3L);
        Job<Object> unknown = q.enqueue("nobody-home", 1);
        assertThatThrownBy(() -> unknown.await(WAIT))
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("no handler named 'nobody-home'");
    }

    @Test
    void bulkEnqueuesCallsOfFunctionsNamedByText() {
        Queue q = jrq.queue(name);
        List<Job<Object>> jobs = q.enqueueAll(List.of(
                Call.of("sum", 20, 22),
                Call.of("io.jrq.testjobs.Jobs::add", 1, 2),
                Call.of("io.jrq.testjobs.Jobs::hello")));
        assertThat(q.size()).isEqualTo(3);
        assertThatThrownBy(() -> q.enqueueAll(List.of(Call.of("sum", 1, 1), Call.of("not a name"))))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("'not a name'");
        assertThat(q.size()).as("a refused batch stores nothing").isEqualTo(3);
        workers.add(jrq.worker(name)
                .handleSignals(false)
                .allowPackages("io.jrq.testjobs")
                .handler("sum", c -> c.arg(0, Integer.class) + c.arg(1, Integer.class))
                .start());
        assertThat(jobs.get(0).await(WAIT)).isEqualTo(42);
        assertThat(jobs.get(1).await(WAIT)).isEqualTo(3);
        assertThat(jobs.get(2).await(WAIT)).isEqualTo("hello");
    }

    @Test
    void recordsFailuresWithTypeMessageAndStack() {
        Queue q = jrq.queue(name);
        worker(name);
        Job<String> job = q.enqueue(Jobs::fail, "it broke");
        CompletableFuture<String> f = job.future();
        assertThatThrownBy(() -> job.await(WAIT))
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("it broke");
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(JobFailedException.class);
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        JobError e = job.error().orElseThrow();
        assertThat(e.type()).isEqualTo("java.lang.IllegalStateException");
        assertThat(e.message()).isEqualTo("it broke");
        assertThat(e.stackTrace()).contains("io.jrq.testjobs.Jobs.fail");
        assertThat(job.result()).isEmpty();
        assertThat(redis.execute("ZSCORE", new Keys("jrq").failed(name), job.id()))
                .isNotBlank();
    }

    @Test
    void unknownIdsGiveEmptyResults() {
        assertThat(jrq.queue(name).job("no-such-job")).isEmpty();
        assertThat(jrq.job("no-such-job-" + UUID.randomUUID())).isEmpty();
        Job<Integer> job = jrq.queue(name).enqueue(Jobs::add, 1, 1);
        Job<Object> found = jrq.job(job.id()).orElseThrow();
        assertThat(found.queue()).isEqualTo(name);
        assertThat(found.status()).isEqualTo(JobStatus.QUEUED);
        try (Jrq other = Jrq.connect(redis.url())) {
            assertThat(other.queue(name).job(job.id())).isPresent();
        }
    }

    @Test
    void honoursEnqueueOptions() {
        Queue q = jrq.queue(name)
                .with(EnqueueOptions.builder()
                        .jobId("report-" + name)
                        .description("monthly report")
                        .meta("tenant", "acme")
                        .resultTtl(Duration.ofSeconds(42))
                        .build());
        Job<Integer> job = q.enqueue(Jobs::add, 1, 2);
        assertThat(job.id()).isEqualTo("report-" + name);
        // The same job again under its id is that job; another call under the id is refused.
        assertThat(q.enqueue(Jobs::add, 1, 2).id()).isEqualTo(job.id());
        assertThat(jrq.queue(name).size()).isEqualTo(1);
        assertThatThrownBy(() -> q.enqueue(Jobs::add, 1, 3)).isInstanceOf(JobExistsException.class);
        worker(name);
        job.await(WAIT);
        JobInfo info = job.info();
        assertThat(info.description()).isEqualTo("monthly report");
        assertThat(info.meta()).containsEntry("tenant", "acme");
        assertThat(expiresIn(job)).isEqualTo(42_000L);
    }

    @Test
    void finishedJobsExpireAfterTheDefaultResultTtl() {
        Job<Integer> job = jrq.queue(name).enqueue(Jobs::add, 1, 2);
        worker(name);
        job.await(WAIT);
        assertThat(expiresIn(job)).isEqualTo(500_000L);
    }

    @Test
    void anEndedJobIsDeletedOnceItsTtlPassedByTheNextFetchOrTheReaper() throws InterruptedException {
        Keys keys = new Keys("jrq");
        Queue brief = jrq.queue(name)
                .with(EnqueueOptions.builder().resultTtl(Duration.ofSeconds(1)).build());
        Job<Integer> first = brief.enqueue(Jobs::add, 1, 1);
        Worker w = worker(name);
        assertThat(first.await(WAIT)).isEqualTo(2);
        String firstKey = keys.job(name, first.id());
        assertThat(redis.execute("TTL", firstKey)).as("no EXPIRE of its own").isEqualTo("-1");

        // The fetch that records the next outcome, once the first job's second has passed, sweeps the
        // registry.
        Thread.sleep(1100);
        Job<Integer> second = brief.enqueue(Jobs::add, 2, 2);
        assertThat(second.await(WAIT)).isEqualTo(4);
        assertThat(redis.execute("EXISTS", firstKey)).isEqualTo("0");
        assertThat(redis.execute("ZSCORE", keys.finished(name), first.id())).isNull();
        assertThatThrownBy(first::info).isInstanceOf(JrqException.class);

        // With nothing ending any more, the reaper's sweep (every 5 s by default) deletes the last one.
        await().atMost(Duration.ofSeconds(15))
                .until(() -> "0".equals(redis.execute("EXISTS", keys.job(name, second.id()))));
        assertThat(redis.execute("EXISTS", keys.finished(name))).isEqualTo("0");
        assertThat(w.isRunning()).isTrue();
    }

    /** ms from the job's end to the expiry its finished-registry entry holds. */
    private long expiresIn(Job<?> job) {
        Keys keys = new Keys("jrq");
        assertThat(redis.execute("TTL", keys.job(name, job.id()))).isEqualTo("-1");
        long endedAt = Long.parseLong(redis.execute("HGET", keys.job(name, job.id()), "ended_at"));
        return Long.parseLong(redis.execute("ZSCORE", keys.finished(name), job.id())) - endedAt;
    }

    @Test
    void bulkEnqueueIsProcessedCompletely() {
        Queue q = jrq.queue(name);
        List<Job<String>> jobs = q.enqueueAll(
                Jobs::hello2, IntStream.range(0, 2000).mapToObj(i -> "n" + i).toList());
        assertThat(q.size()).isEqualTo(2000);
        worker(name);
        worker(name);
        CompletableFuture.allOf(jobs.stream().map(Job::future).toArray(CompletableFuture[]::new))
                .orTimeout(30, TimeUnit.SECONDS)
                .join();
        for (int i = 0; i < jobs.size(); i += 97) {
            assertThat(jobs.get(i).result()).contains("hello n" + i);
        }
        assertThat(q.size()).isZero();
    }

    @Test
    void enqueueAsyncKeepsManyEnqueuesInFlightFromOneThread() {
        Queue q = jrq.queue(name);
        List<CompletableFuture<Job<Integer>>> pending = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int n = i;
            pending.add(q.enqueueAsync(x -> x.enqueue(Jobs::square, n)));
        }
        List<Job<Integer>> jobs = pending.stream()
                .map(f -> f.orTimeout(30, TimeUnit.SECONDS).join())
                .toList();
        assertThat(q.size()).isEqualTo(500);
        worker(name);
        for (int i = 0; i < jobs.size(); i++) {
            assertThat(jobs.get(i).await(WAIT)).isEqualTo(i * i);
        }
    }

    @Test
    void enqueueAsyncRefusesBadInputAtOnceAndReportsStoreFailuresInItsFuture() {
        Queue q = jrq.queue(name);
        assertThatThrownBy(() -> q.enqueueAsync(x -> x.enqueue("no such handler!")))
                .isInstanceOf(InvalidJobException.class);
        assertThatThrownBy(() -> q.enqueueAsync(x -> x.enqueue((Fn.F0<Integer>) () -> 1)))
                .isInstanceOf(InvalidJobException.class);
        assertThatThrownBy(() -> q.enqueueAsync(x -> null))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("enqueued none");
        assertThat(q.size()).isZero();

        Queue fixed = q.with(EnqueueOptions.builder().jobId("fixed-" + name).build());
        Job<Integer> first = fixed.enqueueAsync(x -> x.enqueue(Jobs::square, 3)).join();
        assertThat(first.id()).isEqualTo("fixed-" + name);
        CompletableFuture<Job<Integer>> again = fixed.enqueueAsync(x -> x.enqueue(Jobs::square, 4));
        assertThatThrownBy(again::join).hasCauseInstanceOf(JobExistsException.class);

        // A unique key that names a waiting job: the future's job is that job, and nothing new is stored.
        Queue unique = q.with(EnqueueOptions.builder()
                .unique("k-" + name, Uniqueness.WHILE_QUEUED)
                .build());
        Job<Integer> original =
                unique.enqueueAsync(x -> x.enqueue(Jobs::square, 5)).join();
        Job<Integer> same = unique.enqueueAsync(x -> x.enqueue(Jobs::square, 6)).join();
        assertThat(same.id()).isEqualTo(original.id());

        worker(name);
        assertThat(first.await(WAIT)).isEqualTo(9);
    }

    @Test
    void runsUpToItsConcurrencyAtOnceAndNeverMore() {
        Queue q = jrq.queue(name);
        List<Job<Void>> jobs = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            jobs.add(q.enqueue(Jobs::occupy, name, 400L));
        }
        workers.add(jrq.worker(name)
                .concurrency(6)
                .handleSignals(false)
                .allowPackages("io.jrq.testjobs")
                .start());
        jobs.forEach(j -> j.await(Duration.ofSeconds(30)));
        assertThat(Jobs.PEAK.get(name).get()).isEqualTo(6);
    }

    @Test
    void runsOnVirtualThreadsWithTheSameLimitsAndTimeouts() {
        Skips.unless(
                Runtime.version().feature() >= 21,
                "virtual threads need Java 21, this is Java "
                        + Runtime.version().feature()
                        + ": run the build on a JDK 21 or later to include EndToEndIT.runsOnVirtualThreadsWithTheSameLimitsAndTimeouts");
        Queue q = jrq.queue(name);
        List<Job<Void>> jobs = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            jobs.add(q.enqueue(Jobs::occupy, name, 400L));
        }
        Job<Long> slow = q.with(
                        EnqueueOptions.builder().timeout(Duration.ofMillis(300)).build())
                .enqueue(Jobs::sleep, 10_000L);
        Job<Integer> quick = q.enqueue(Jobs::add, 2, 3);
        workers.add(jrq.worker(name)
                .concurrency(6)
                .virtualThreads(true)
                .handleSignals(false)
                .allowPackages("io.jrq.testjobs")
                .start());
        jobs.forEach(j -> j.await(Duration.ofSeconds(30)));
        assertThat(Jobs.PEAK.get(name).get()).isEqualTo(6);
        assertThat(quick.await(WAIT)).isEqualTo(5);
        assertThatThrownBy(() -> slow.await(WAIT)).isInstanceOf(JobFailedException.class);
        assertThat(slow.error().orElseThrow().type()).isEqualTo(JobTimeoutException.class.getName());
    }

    @Test
    void enqueueAtTheFrontRunsFirst() {
        Queue q = jrq.queue(name);
        q.enqueue(Jobs::record, name + "/back-1");
        Job<Void> back2 = q.enqueue(Jobs::record, name + "/back-2");
        q.with(EnqueueOptions.builder().atFront(true).build()).enqueue(Jobs::record, name + "/front");
        workers.add(jrq.worker(name)
                .concurrency(1)
                .handleSignals(false)
                .allowPackages("io.jrq.testjobs")
                .start());
        back2.await(WAIT);
        assertThat(Jobs.ORDER.stream().filter(s -> s.startsWith(name + "/")))
                .containsExactly(name + "/front", name + "/back-1", name + "/back-2");
    }

    @Test
    void queuesAreServedInStrictPriorityOrder() {
        String high = name + "-high";
        String low = name + "-low";
        List<Job<Integer>> lows = new ArrayList<>();
        List<Job<Integer>> highs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lows.add(jrq.queue(low).enqueue(Jobs::add, i, 0));
            highs.add(jrq.queue(high).enqueue(Jobs::add, i, 0));
        }
        workers.add(jrq.worker(high, low)
                .concurrency(1)
                .handleSignals(false)
                .allowPackages("io.jrq.testjobs")
                .start());
        lows.forEach(j -> j.await(WAIT));
        Instant lastHighEnd = highs.stream()
                .map(j -> j.info().endedAt().orElseThrow())
                .max(Instant::compareTo)
                .orElseThrow();
        Instant firstLowStart = lows.stream()
                .map(j -> j.info().startedAt().orElseThrow())
                .min(Instant::compareTo)
                .orElseThrow();
        assertThat(firstLowStart).isAfterOrEqualTo(lastHighEnd);
    }

    @Test
    void refusesClassesOutsideTheAllowedPackagesWithoutLoadingThem() {
        Keys keys = new Keys("jrq");
        List<String> requested = new CopyOnWriteArrayList<>();
        ClassLoader spy = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                requested.add(n);
                return super.loadClass(n, resolve);
            }
        };
        workers.add(jrq.worker(name)
                .allowPackages("io.jrq.testjobs")
                .classLoader(spy)
                .handleSignals(false)
                .start());
        String exec = inject(
                keys,
                "{\"v\":1,\"id\":\"x1\",\"fn\":\"java.lang.Runtime::exec\",\"args\":[\"touch /tmp/jrq-pwned\"]}",
                "x1");
        String canary = inject(keys, "{\"v\":1,\"id\":\"x2\",\"fn\":\"io.jrq.canary.Canary::run\",\"args\":[]}", "x2");
        String garbage = inject(keys, "{not json at all", "x3");
        String wrongArgs =
                inject(keys, "{\"v\":1,\"id\":\"x4\",\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[\"a\",{}]}", "x4");
        for (String id : List.of(exec, canary)) {
            Job<Object> job = jrq.queue(name).job(id).orElseThrow();
            assertThatThrownBy(() -> job.await(WAIT)).isInstanceOf(JobFailedException.class);
            assertThat(job.error().orElseThrow().type()).isEqualTo(JobNotAllowedException.class.getName());
            assertThat(job.error().orElseThrow().message())
                    .contains("not allowed")
                    .contains("was not loaded");
        }
        Job<Object> bad = jrq.queue(name).job(garbage).orElseThrow();
        assertThatThrownBy(() -> bad.await(WAIT)).isInstanceOf(JobFailedException.class);
        assertThat(bad.error().orElseThrow().message()).contains("not valid JSON");
        Job<Object> wrong = jrq.queue(name).job(wrongArgs).orElseThrow();
        assertThatThrownBy(() -> wrong.await(WAIT)).isInstanceOf(JobFailedException.class);
        assertThat(wrong.error().orElseThrow().type()).isEqualTo(InvalidPayloadException.class.getName());
        assertThat(requested).doesNotContain("java.lang.Runtime", "io.jrq.canary.Canary");
        assertThat(System.getProperty("jrq.canary.initialised")).isNull();
        assertThat(new java.io.File("/tmp/jrq-pwned")).doesNotExist();
        // ...and the worker goes on working.
        assertThat(jrq.queue(name).enqueue(Jobs::add, 1, 1).await(WAIT)).isEqualTo(2);
    }

    private String inject(Keys keys, String payload, String id) {
        redis.execute("HSET", keys.job(name, id), "payload", payload, "status", "QUEUED");
        redis.execute("LPUSH", keys.ready(name), id);
        return id;
    }

    @Test
    void registersWorkersAndRemovesThemOnClose() {
        Worker w = worker(name);
        Keys keys = new Keys("jrq");
        assertThat(redis.execute("SISMEMBER", keys.workers(), w.name())).isEqualTo("1");
        assertThat(redis.execute("HGET", keys.worker(w.name()), "queues")).isEqualTo(name);
        assertThat(redis.execute("HGET", keys.worker(w.name()), "pid"))
                .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThat(Long.parseLong(redis.execute("PTTL", keys.worker(w.name())))).isPositive();
        w.close();
        assertThat(w.isRunning()).isFalse();
        assertThat(redis.execute("EXISTS", keys.worker(w.name()))).isEqualTo("0");
    }

    @Test
    void gracefulShutdownLetsRunningJobsFinish() {
        Queue q = jrq.queue(name);
        Worker w = jrq.worker(name)
                .allowPackages("io.jrq.testjobs")
                .shutdownGrace(Duration.ofSeconds(5))
                .handleSignals(false)
                .start();
        Job<Long> job = q.enqueue(Jobs::sleep, 700L);
        await().atMost(WAIT).until(() -> job.status() == JobStatus.STARTED);
        w.close();
        assertThat(job.status()).isEqualTo(JobStatus.FINISHED);
        assertThat(job.result()).contains(700L);
    }

    @Test
    void shutdownGivesUnfinishedJobsBack() {
        Queue q = jrq.queue(name);
        Worker w = jrq.worker(name)
                .allowPackages("io.jrq.testjobs")
                .shutdownGrace(Duration.ofMillis(200))
                .handleSignals(false)
                .start();
        Job<Long> job = q.enqueue(Jobs::sleep, 60_000L);
        await().atMost(WAIT).until(() -> job.status() == JobStatus.STARTED);
        w.close();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.attempts()).isZero();
        assertThat(q.size()).isEqualTo(1);
    }

    @Test
    void unreachableRedisGivesAClearError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int p = port;
        assertThatThrownBy(() -> Jrq.connect("redis://127.0.0.1:" + p))
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + p)
                .hasMessageContaining("refused");
    }
}
