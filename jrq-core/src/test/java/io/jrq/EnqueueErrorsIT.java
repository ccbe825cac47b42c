package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.jrq.internal.Keys;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What each failure of an enqueue means for the jobs, against real redis-server processes: a full
 * Redis (maxmemory, noeviction) refuses every producer path with {@link RedisFullException} and
 * stores nothing; a frozen Redis (SIGSTOP) makes the outcome unknown, {@link EnqueueUnknownException}
 * with the job's id, and the same enqueue with that id then returns the stored job, which runs once;
 * a Redis that is down before the call is sent stores nothing and says so.
 */
class EnqueueErrorsIT {
    private static final Keys KEYS = new Keys("jrq");
    private static final Duration WAIT = Duration.ofSeconds(20);

    static RedisServer fullableServer() {
        return RedisServer.builder()
                .config("maxmemory", "3mb")
                .config("maxmemory-policy", "noeviction")
                .start();
    }

    /**
     * SETs fillers until Redis refuses them with OOM, then pins maxmemory a little below what is now
     * used: the memory of a connection that closes (each {@code execute} is one) must not bring Redis
     * back under its limit in the middle of a test.
     */
    static void fill(RedisServer server) {
        String value = "x".repeat(16_000);
        for (int i = 0; ; i++) {
            try {
                server.execute("SET", "filler:" + i, value);
            } catch (IllegalStateException e) {
                assertThat(e.getMessage()).contains("OOM command not allowed when used memory > 'maxmemory'");
                break;
            }
            assertThat(i).as("fillers before Redis refused one").isLessThan(10_000);
        }
        long used = usedMemory(server);
        server.execute("CONFIG", "SET", "maxmemory", Long.toString(used - 256 * 1024));
        assertThat(catchThrowable(() -> server.execute("SET", "probe", "y"))).hasMessageContaining("OOM");
    }

    private static void free(RedisServer server) {
        server.execute("CONFIG", "SET", "maxmemory", "64mb");
        for (String key : server.execute("KEYS", "filler:*").split("\n")) {
            if (!key.isBlank()) {
                server.execute("DEL", key);
            }
        }
    }

    private static long usedMemory(RedisServer server) {
        for (String line : server.execute("INFO", "memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("no used_memory in INFO");
    }

    private static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertFull(RedisFullException e, String queue, List<String> ids) {
        assertThat(e).isNotNull();
        System.out.println("EnqueueErrorsIT: " + e.getMessage());
        assertThat(e.getMessage())
                .startsWith("Redis is full (maxmemory reached")
                .contains(queue)
                .contains(ids.get(0));
        assertThat(e.queue()).isEqualTo(queue);
        assertThat(e.jobIds()).containsExactlyElementsOf(ids);
        assertThat(e.storedJobIds()).isEmpty();
    }

    /** Nothing of the job: no hash, no compact record, no entry in the ready list, scheduled or deferred set. */
    private static void assertNotStored(RedisServer server, String queue, String id) {
        assertThat(server.execute("EXISTS", KEYS.job(queue, id)))
                .as("job hash of " + id)
                .isEqualTo("0");
        assertThat(server.execute("HEXISTS", KEYS.queued(queue), id))
                .as("compact record of " + id)
                .isEqualTo("0");
        assertThat(server.execute("ZSCORE", KEYS.scheduled(queue), id))
                .as("scheduled entry of " + id)
                .isNull();
        assertThat(server.execute("ZSCORE", KEYS.deferred(queue), id))
                .as("deferred entry of " + id)
                .isNull();
        assertThat(server.execute("EXISTS", KEYS.pendingDepsPrefix(queue) + id))
                .as("pending dependencies of " + id)
                .isEqualTo("0");
    }

    private static Queue withId(Queue q, String id) {
        return q.with(EnqueueOptions.builder().jobId(id).build());
    }

    @Test
    void everyProducerPathOfAFullRedisThrowsRedisFullAndStoresNothing() throws Exception {
        try (RedisServer server = fullableServer();
                Jrq jrq = Jrq.connect(server.url());
                Jrq fresh = Jrq.connect(server.url())) {
            String queue = name("full");
            Queue q = jrq.queue(queue);
            // Registered, with one job waiting, before Redis fills up.
            Job<Integer> first = q.enqueue(Jobs::add, 1, 1);
            fill(server);

            RedisFullException sync = catchThrowableOfType(
                    RedisFullException.class, () -> withId(q, "plain-1").enqueue(Jobs::add, 2, 3));
            assertFull(sync, queue, List.of("plain-1"));
            assertNotStored(server, queue, "plain-1");

            // Without a custom id the exception still names the job.
            RedisFullException generated =
                    catchThrowableOfType(RedisFullException.class, () -> q.enqueue(Jobs::add, 2, 3));
            assertThat(generated).isNotNull();
            assertThat(generated.jobIds()).hasSize(1);
            assertNotStored(server, queue, generated.jobIds().get(0));

            Queue unique = q.with(EnqueueOptions.builder()
                    .jobId("unique-1")
                    .unique("report-7", Uniqueness.WHILE_ACTIVE)
                    .build());
            assertFull(
                    catchThrowableOfType(RedisFullException.class, () -> unique.enqueue(Jobs::add, 3, 4)),
                    queue,
                    List.of("unique-1"));
            assertNotStored(server, queue, "unique-1");
            assertThat(server.execute("EXISTS", KEYS.uniquePrefix(queue) + "report-7"))
                    .as("unique key")
                    .isEqualTo("0");

            Queue scheduled = q.with(EnqueueOptions.builder()
                    .jobId("later-1")
                    .delay(Duration.ofHours(1))
                    .build());
            assertFull(
                    catchThrowableOfType(RedisFullException.class, () -> scheduled.enqueue(Jobs::add, 4, 5)),
                    queue,
                    List.of("later-1"));
            assertNotStored(server, queue, "later-1");

            Queue dependent = q.with(
                    EnqueueOptions.builder().jobId("after-1").dependsOn(first).build());
            assertFull(
                    catchThrowableOfType(RedisFullException.class, () -> dependent.enqueue(Jobs::add, 5, 6)),
                    queue,
                    List.of("after-1"));
            assertNotStored(server, queue, "after-1");
            assertThat(server.execute("EXISTS", KEYS.dependentsPrefix(queue) + first.id()))
                    .as("dependents of the dependency")
                    .isEqualTo("0");

            CompletableFuture<Job<Integer>> async = withId(q, "async-1").enqueueAsync(a -> a.enqueue(Jobs::add, 6, 7));
            Throwable asyncFailure =
                    catchThrowableOfType(ExecutionException.class, async::get).getCause();
            assertThat(asyncFailure).isInstanceOf(RedisFullException.class);
            assertFull((RedisFullException) asyncFailure, queue, List.of("async-1"));
            assertNotStored(server, queue, "async-1");

            // 1,200 jobs: three script calls, each refused.
            RedisFullException bulk = catchThrowableOfType(
                    RedisFullException.class,
                    () -> q.enqueueAll(
                            Jobs::square, IntStream.range(0, 1200).boxed().toList()));
            assertThat(bulk).isNotNull();
            assertThat(bulk.jobIds()).hasSize(1200).doesNotHaveDuplicates();
            assertThat(bulk.storedJobIds()).isEmpty();
            assertNotStored(server, queue, bulk.jobIds().get(0));
            assertNotStored(server, queue, bulk.jobIds().get(1199));
            RedisFullException calls = catchThrowableOfType(
                    RedisFullException.class,
                    () -> q.enqueueAll(List.of(
                            Call.of("io.jrq.testjobs.Jobs::add", 1, 2), Call.of("io.jrq.testjobs.Jobs::add", 3, 4))));
            assertThat(calls).isNotNull();
            assertThat(calls.jobIds()).hasSize(2);

            // A queue this client has not registered yet: the registration (SADD jrq:queues) is refused, and nothing is
            // sent.
            String other = name("unregistered");
            RedisFullException registration = catchThrowableOfType(
                    RedisFullException.class,
                    () -> withId(fresh.queue(other), "reg-1").enqueue(Jobs::add, 1, 2));
            assertFull(registration, other, List.of("reg-1"));
            assertThat(server.execute("SISMEMBER", "jrq:queues", other)).isEqualTo("0");
            assertNotStored(server, other, "reg-1");

            RecurringJob nightly = RecurringJob.builder("nightly")
                    .queue(queue)
                    .every(Duration.ofHours(1))
                    .call(Jobs::add, 1, 2)
                    .build();
            RedisFullException recurring = catchThrowableOfType(
                    RedisFullException.class, () -> jrq.recurring().schedule(nightly));
            assertThat(recurring).isNotNull();
            assertThat(recurring.getMessage())
                    .startsWith("Redis is full (maxmemory reached")
                    .contains("nightly", queue);
            assertThat(server.execute("HEXISTS", KEYS.recurring(queue), "nightly"))
                    .isEqualTo("0");
            assertThat(server.execute("ZSCORE", KEYS.recurringDue(queue), "nightly"))
                    .isNull();

            assertThat(server.execute("LLEN", KEYS.ready(queue)))
                    .as("ready list: only the job from before")
                    .isEqualTo("1");
            assertThat(server.execute("HLEN", KEYS.queued(queue))).isEqualTo("1");

            // Room again: the very same enqueues succeed, with the same ids.
            free(server);
            assertThat(withId(q, "plain-1").enqueue(Jobs::add, 2, 3).id()).isEqualTo("plain-1");
            assertThat(unique.enqueue(Jobs::add, 3, 4).id()).isEqualTo("unique-1");
            assertThat(scheduled.enqueue(Jobs::add, 4, 5).status()).isEqualTo(JobStatus.SCHEDULED);
            assertThat(dependent.enqueue(Jobs::add, 5, 6).status()).isEqualTo(JobStatus.DEFERRED);
            assertThat(withId(q, "async-1")
                            .enqueueAsync(a -> a.enqueue(Jobs::add, 6, 7))
                            .get()
                            .id())
                    .isEqualTo("async-1");
            assertThat(q.enqueueAll(
                            Jobs::square, IntStream.range(0, 1200).boxed().toList()))
                    .hasSize(1200);
            assertThat(withId(fresh.queue(other), "reg-1")
                            .enqueue(Jobs::add, 1, 2)
                            .id())
                    .isEqualTo("reg-1");
            assertThat(server.execute("SISMEMBER", "jrq:queues", other)).isEqualTo("1");
            assertThat(jrq.recurring().schedule(nightly).name()).isEqualTo("nightly");
            assertThat(q.size()).isEqualTo(1 + 1 + 1 + 1 + 1200);
        }
    }

    @Test
    void aTimeoutIsAnUnknownOutcomeAndTheSameEnqueueWithItsIdReturnsTheStoredJobWhichRunsOnce() throws Exception {
        String queue = name("frozen");
        String key = name("touch");
        try (RedisServer server = RedisServer.start();
                Jrq jrq = Jrq.connect(JrqOptions.builder()
                        .url(server.url())
                        .commandTimeout(Duration.ofMillis(500))
                        .build())) {
            Queue q = jrq.queue(queue);
            q.enqueue(Jobs::add, 1, 1);

            EnqueueUnknownException unknown;
            server.pause();
            try {
                // No id given: the exception carries the one jrq generated.
                unknown = catchThrowableOfType(EnqueueUnknownException.class, () -> q.enqueue(Jobs::touch, key));
            } finally {
                server.resume();
            }
            assertThat(unknown).isNotNull();
            System.out.println("EnqueueErrorsIT: " + unknown.getMessage());
            String id = unknown.jobId();
            assertThat(id).isNotBlank();
            assertThat(unknown.queue()).isEqualTo(queue);
            assertThat(unknown.jobIds()).containsExactly(id);
            assertThat(unknown.getMessage()).contains(id, queue, "unknown outcome", "jobId(\"" + id + "\")");
            // It is still a RedisUnavailableException, for handlers written before it existed.
            assertThat(unknown).isInstanceOf(RedisUnavailableException.class);

            // The call had reached the frozen Redis, which ran it once it went on.
            await().atMost(WAIT).until(() -> q.job(id).isPresent());

            // The same enqueue with the id: the stored job, not a second one, not an error.
            Job<Void> again = withId(q, id).enqueue(Jobs::touch, key);
            assertThat(again.id()).isEqualTo(id);
            assertThat(again.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(q.size())
                    .as("ready list: the first job and this one, once")
                    .isEqualTo(2);
            // Another call under that id is still refused.
            assertThat(catchThrowable(() -> withId(q, id).enqueue(Jobs::touch, key + "-other")))
                    .isInstanceOf(JobExistsException.class);

            try (Worker w = jrq.worker(queue)
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                again.await(WAIT);
                // After it ran (its payload is dropped when it finishes), the same enqueue still returns it, FINISHED.
                Job<Void> late = withId(q, id).enqueue(Jobs::touch, key);
                assertThat(late.status()).isEqualTo(JobStatus.FINISHED);
                // A finished job kept only its function, so another function under its id is refused (other
                // arguments no longer can be: docs/RELIABILITY.md).
                assertThat(catchThrowable(() -> withId(q, id).enqueue(Jobs::record, key)))
                        .isInstanceOf(JobExistsException.class);
                Thread.sleep(500);
            }
            assertThat(Jobs.RUNS.get(key).get())
                    .as("runs of the job enqueued three times")
                    .isEqualTo(1);
        }
    }

    @Test
    void theSameEnqueueWithItsIdWhileTheJobRunsReturnsItWithoutResettingIt() throws Exception {
        String queue = name("running");
        try (RedisServer server = RedisServer.start();
                Jrq jrq = Jrq.connect(server.url())) {
            Queue q = withId(jrq.queue(queue), "sleeper");
            Job<Long> job = q.enqueue(Jobs::sleep, 1500L);
            try (Worker w = jrq.worker(queue)
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                await().atMost(WAIT).until(() -> job.status() == JobStatus.STARTED);
                String startedAt = server.execute("HGET", KEYS.job(queue, "sleeper"), "started_at");
                assertThat(q.enqueue(Jobs::sleep, 1500L).status()).isEqualTo(JobStatus.STARTED);
                assertThat(server.execute("HGET", KEYS.job(queue, "sleeper"), "started_at"))
                        .isEqualTo(startedAt);
                assertThat(jrq.queue(queue).size()).isZero();
                assertThat(job.await(WAIT)).isEqualTo(1500L);
            }
        }
    }

    @Test
    void aRedisThatIsDownBeforeTheCallIsSentStoresNothingAndSaysSo() throws Exception {
        String queue = name("down");
        try (RedisServer server = RedisServer.start();
                Jrq jrq = Jrq.connect(JrqOptions.builder()
                        .url(server.url())
                        .commandTimeout(Duration.ofMillis(800))
                        .build())) {
            Queue q = jrq.queue(queue);
            q.enqueue(Jobs::add, 1, 1);
            server.kill();
            // Let the client see the connection drop, so that the enqueue finds it down.
            Thread.sleep(1000);
            Throwable down = catchThrowable(() -> withId(q, "down-1").enqueue(Jobs::add, 2, 2));
            System.out.println("EnqueueErrorsIT: " + down);
            assertThat(down)
                    .isInstanceOf(RedisUnavailableException.class)
                    .isNotInstanceOf(EnqueueUnknownException.class)
                    .hasMessageContaining("down-1")
                    .hasMessageContaining("not stored");
            server.restart();
            await().atMost(WAIT)
                    .ignoreExceptions()
                    .until(() ->
                            withId(q, "down-1").enqueue(Jobs::add, 2, 2).id().equals("down-1"));
            assertThat(q.size()).isEqualTo(1);
        }
    }

    @Test
    void theSameEnqueueWithItsIdRepeatedIsOneJob() {
        String queue = name("twice");
        try (RedisServer server = RedisServer.start();
                Jrq jrq = Jrq.connect(server.url())) {
            Queue q = withId(jrq.queue(queue), "same");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(q.enqueue(Jobs::add, 1, 2).id());
            }
            assertThat(ids).containsOnly("same");
            assertThat(jrq.queue(queue).size()).isEqualTo(1);
        }
    }

    @Test
    void aKeyOfTheWrongTypeIsRefusedBeforeAnythingIsWritten() {
        String queue = name("wrongtype");
        try (RedisServer server = RedisServer.start();
                Jrq jrq = Jrq.connect(server.url())) {
            Queue q = jrq.queue(queue);
            q.enqueue(Jobs::add, 1, 1);
            server.execute("DEL", KEYS.ready(queue));
            server.execute("SET", KEYS.ready(queue), "not a list");
            Throwable refused = catchThrowable(() -> withId(q, "typed-1").enqueue(Jobs::add, 2, 2));
            System.out.println("EnqueueErrorsIT: " + refused);
            assertThat(refused)
                    .isInstanceOf(JrqException.class)
                    .isNotInstanceOf(RedisUnavailableException.class)
                    .hasMessageContaining("WRONGTYPE")
                    .hasMessageContaining("typed-1")
                    .hasMessageContaining("not stored");
            // The compact record would otherwise be written before the push to the ready list fails.
            assertNotStored(server, queue, "typed-1");
        }
    }

    /**
     * A TCP proxy in front of Redis that can swallow Redis's replies and then drop every connection:
     * a call that Redis ran but whose answer never came back, the connection lost after the write.
     */
    private static final class Proxy implements AutoCloseable {
        private final java.net.ServerSocket listener;
        private final List<java.net.Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean swallowReplies;

        Proxy(int upstreamPort) throws java.io.IOException {
            listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread accept = new Thread(
                    () -> {
                        while (!listener.isClosed()) {
                            try {
                                java.net.Socket client = listener.accept();
                                java.net.Socket upstream =
                                        new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), upstreamPort);
                                sockets.add(client);
                                sockets.add(upstream);
                                pump(client, upstream, false);
                                pump(upstream, client, true);
                            } catch (java.io.IOException e) {
                                return;
                            }
                        }
                    },
                    "proxy-accept");
            accept.setDaemon(true);
            accept.start();
        }

        private void pump(java.net.Socket from, java.net.Socket to, boolean replies) {
            Thread t = new Thread(
                    () -> {
                        byte[] buf = new byte[8192];
                        try (var in = from.getInputStream();
                                var out = to.getOutputStream()) {
                            for (int n; (n = in.read(buf)) > 0; ) {
                                if (!(replies && swallowReplies)) {
                                    out.write(buf, 0, n);
                                    out.flush();
                                }
                            }
                        } catch (java.io.IOException e) {
                            // the other side went away
                        } finally {
                            close(from);
                            close(to);
                        }
                    },
                    "proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "redis://127.0.0.1:" + listener.getLocalPort();
        }

        /** Drops every connection made so far; new ones are proxied again. */
        void cut() {
            sockets.forEach(Proxy::close);
            sockets.clear();
        }

        private static void close(java.net.Socket s) {
            try {
                s.close();
            } catch (java.io.IOException ignored) {
                // closed already
            }
        }

        @Override
        public void close() throws java.io.IOException {
            listener.close();
            cut();
        }
    }

    @Test
    void aCallRunByRedisWhoseConnectionIsLostBeforeTheReplyStoresItsJobOnce() throws Exception {
        String queue = name("lost");
        try (RedisServer server = RedisServer.start();
                Proxy proxy = new Proxy(server.port());
                Jrq jrq = Jrq.connect(JrqOptions.builder()
                        .url(proxy.url())
                        .commandTimeout(Duration.ofSeconds(5))
                        .build())) {
            Queue q = jrq.queue(queue);
            q.enqueue(Jobs::add, 1, 1);

            proxy.swallowReplies = true;
            CompletableFuture<Job<Integer>> pending = q.enqueueAsync(a -> a.enqueue(Jobs::add, 2, 2));
            // Redis ran the call: the job is there, but its reply went nowhere.
            await().atMost(WAIT).until(() -> Long.parseLong(server.execute("HLEN", KEYS.queued(queue))) == 2);
            proxy.swallowReplies = false;
            proxy.cut();

            // The driver sends the call again after its reconnect, or gives up on it: either way the
            // job is stored once, and the caller learns its id.
            String id;
            try {
                id = pending.get(30, java.util.concurrent.TimeUnit.SECONDS).id();
                System.out.println("EnqueueErrorsIT: the call sent again after the reconnect returned " + id);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(EnqueueUnknownException.class);
                id = ((EnqueueUnknownException) e.getCause()).jobId();
                System.out.println(
                        "EnqueueErrorsIT: lost connection -> " + e.getCause().getMessage());
            }
            String ready = server.execute("LRANGE", KEYS.ready(queue), "0", "-1");
            assertThat(ready.split("\n")).as("ready list").hasSize(2).containsOnlyOnce(id);
            assertThat(server.execute("HEXISTS", KEYS.queued(queue), id)).isEqualTo("1");
        }
    }
}
