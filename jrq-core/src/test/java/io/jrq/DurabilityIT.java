package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Durable enqueues against a real primary and replica: WAIT, WAITAOF, and what happens when they are not confirmed. */
class DurabilityIT {
    private static final io.jrq.internal.Keys KEYS = new io.jrq.internal.Keys("jrq");
    private static final Duration LINK = Duration.ofSeconds(20);

    @Test
    void waitsForAReplicaAndReturnsOnceItHasTheJobs() {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder().replicaOf(primary).start();
                Jrq jrq = Jrq.connect(primary.url())) {
            replica.awaitReplicaLinkUp(LINK);
            Queue q = jrq.queue("durable")
                    .with(EnqueueOptions.builder()
                            .durability(Durability.replicas(1, Duration.ofSeconds(5)))
                            .build());
            Job<Integer> job = q.enqueue(Jobs::add, 1, 2);
            // WAIT returned, so the replica already holds the job: no polling needed.
            // A plain job to run now is a field of the queue's queued hash (docs/PROTOCOL.md).
            assertThat(replica.execute("HEXISTS", KEYS.queued("durable"), job.id()))
                    .isEqualTo("1");

            List<Job<Integer>> bulk =
                    q.enqueueAll(Jobs::square, IntStream.range(0, 1200).boxed().toList());
            assertThat(bulk).hasSize(1200);
            assertThat(replica.execute("LLEN", KEYS.ready("durable"))).isEqualTo("1201");
        }
    }

    @Test
    void aPausedReplicaMakesTheEnqueueThrowButTheJobIsStored() {
        try (RedisServer primary = RedisServer.start();
                RedisServer replica = RedisServer.builder().replicaOf(primary).start();
                Jrq jrq = Jrq.connect(primary.url())) {
            replica.awaitReplicaLinkUp(LINK);
            Queue q = jrq.queue("paused")
                    .with(EnqueueOptions.builder()
                            .durability(Durability.replicas(1, Duration.ofMillis(500)))
                            .build());
            replica.pause();
            try {
                long start = System.nanoTime();
                NotDurableException e =
                        catchThrowableOfType(NotDurableException.class, () -> q.enqueue(Jobs::add, 2, 3));
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(e).as("enqueue with the only replica frozen").isNotNull();
                assertThat(e.getMessage()).contains("IS stored", "not confirmed durable", e.jobId(), "0 of 1 replica");
                assertThat(e.replicasAcknowledged()).isZero();
                assertThat(tookMs).as("ms the enqueue waited").isBetween(400L, 8_000L);
                assertThat(jrq.queue("paused").job(e.jobId()).orElseThrow().status())
                        .isEqualTo(JobStatus.QUEUED);

                NotDurableException bulk = catchThrowableOfType(
                        NotDurableException.class,
                        () -> q.enqueueAll(
                                Jobs::square, IntStream.range(0, 700).boxed().toList()));
                assertThat(bulk).isNotNull();
                assertThat(bulk.jobIds()).hasSize(700);
                assertThat(jrq.queue("paused").size()).isEqualTo(701);

                // The client's other commands are not held up by the waits.
                assertThat(jrq.queue("paused").enqueue(Jobs::add, 1, 1).status())
                        .isEqualTo(JobStatus.QUEUED);
            } finally {
                replica.resume();
            }
            try (Worker w = jrq.worker("paused")
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                assertThat(jrq.queue("paused").enqueue(Jobs::add, 5, 5).await(Duration.ofSeconds(20)))
                        .isEqualTo(10);
            }
        }
    }

    @Test
    void theClientDefaultAppliesWhenTheEnqueueSaysNothing() {
        try (RedisServer primary = RedisServer.start();
                Jrq jrq = Jrq.connect(JrqOptions.builder()
                        .url(primary.url())
                        .durability(Durability.replicas(1, Duration.ofMillis(200)))
                        .build())) {
            // No replica at all: WAIT 1 answers 0 after its timeout.
            assertThatThrownBy(() -> jrq.queue("default").enqueue(Jobs::add, 1, 2))
                    .isInstanceOf(NotDurableException.class)
                    .hasMessageContaining("0 of 1 replica");
            Job<Integer> quick = jrq.queue("default")
                    .with(EnqueueOptions.builder().durability(Durability.none()).build())
                    .enqueue(Jobs::add, 1, 2);
            assertThat(quick.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(jrq.queue("default").size()).isEqualTo(2);
        }
    }

    @Test
    void appendFsyncIsRefusedBeforeStoringAnythingOnAServerWithoutWaitaof() {
        try (RedisServer primary = RedisServer.builder().appendOnly(true).start();
                Jrq jrq = Jrq.connect(primary.url())) {
            Skips.unless(
                    !atLeast72(primary.version()),
                    "Redis " + primary.version() + " has WAITAOF, so the refusal on older servers"
                            + " is not tested here: put a redis-server before 7.2 on the PATH (or none: the test kit's embedded one is 6.2)");
            Queue q = jrq.queue("aof")
                    .with(EnqueueOptions.builder()
                            .durability(Durability.appendFsync(Duration.ofSeconds(1)))
                            .build());
            assertThatThrownBy(() -> q.enqueue(Jobs::add, 1, 2))
                    .isInstanceOf(JrqException.class)
                    .isNotInstanceOf(NotDurableException.class)
                    .hasMessageContaining("WAITAOF")
                    .hasMessageContaining("7.2")
                    .hasMessageContaining(primary.version())
                    .hasMessageContaining("nothing was enqueued");
            assertThat(jrq.queue("aof").size()).isZero();
        }
    }

    @Test
    void appendFsyncWaitsForTheLocalAofOnServersThatHaveWaitaof() {
        try (RedisServer primary = RedisServer.builder()
                        .appendOnly(true)
                        .appendFsync("everysec")
                        .start();
                Jrq jrq = Jrq.connect(primary.url())) {
            Skips.unless(
                    atLeast72(primary.version()),
                    "WAITAOF needs Redis 7.2, this redis-server is " + primary.version()
                            + ": put a redis-server 7.2 or later on the PATH to include DurabilityIT.appendFsyncWaitsForTheLocalAofOnServersThatHaveWaitaof");
            Queue q = jrq.queue("aof")
                    .with(EnqueueOptions.builder()
                            .durability(Durability.appendFsync(Duration.ofSeconds(5)))
                            .build());
            assertThat(q.enqueue(Jobs::add, 1, 2).status()).isEqualTo(JobStatus.QUEUED);
            Queue withReplica = jrq.queue("aof")
                    .with(EnqueueOptions.builder()
                            .durability(Durability.appendFsync(1, Duration.ofMillis(300)))
                            .build());
            NotDurableException e =
                    catchThrowableOfType(NotDurableException.class, () -> withReplica.enqueue(Jobs::add, 1, 2));
            assertThat(e).isNotNull();
            assertThat(e.localFsynced()).isTrue();
        }
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> Durability.replicas(0, Duration.ofSeconds(1))).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Durability.appendFsync(-1, Duration.ofSeconds(1)))
                .hasMessageContaining("at least 0");
        assertThatThrownBy(() -> Durability.replicas(1, Duration.ZERO)).hasMessageContaining("at least 1 ms");
    }

    private static boolean atLeast72(String version) {
        String[] p = version.split("\\.");
        int major = Integer.parseInt(p[0]);
        int minor = Integer.parseInt(p[1]);
        return major > 7 || (major == 7 && minor >= 2);
    }
}
