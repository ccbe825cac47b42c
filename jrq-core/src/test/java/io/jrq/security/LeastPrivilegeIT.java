package io.jrq.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jrq.Admin;
import io.jrq.CronSyntax;
import io.jrq.Durability;
import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobFailedException;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.NotDurableException;
import io.jrq.Progress;
import io.jrq.Queue;
import io.jrq.QueueInfo;
import io.jrq.QueueLimits;
import io.jrq.RecurringJob;
import io.jrq.RetryPolicy;
import io.jrq.Uniqueness;
import io.jrq.Worker;
import io.jrq.WorkerInfo;
import io.jrq.testjobs.Callbacks;
import io.jrq.testjobs.Dag;
import io.jrq.testjobs.Flaky;
import io.jrq.testjobs.Jobs;
import io.jrq.testjobs.Ticks;
import io.jrq.testkit.RedisCluster;
import io.jrq.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The least-privilege ACL rule of docs/SECURITY.md, read from the document ({@link AclRule}), on
 * Redis 7 (the {@code redis-server} the test kit finds) and on the test kit's embedded Redis 6.2:
 * every jrq operation works as a user with exactly that rule, and the server logs no command, key
 * or channel it refused that user meanwhile ({@code ACL LOG}); and every command that could harm
 * other data or other clients is refused. Each server is private, with a password on the default
 * user, so nothing runs with more rights by accident.
 */
class LeastPrivilegeIT {
    private static final String ADMIN_PASSWORD = "admin-Lp7-pw";
    private static final String USER = "jrq";
    private static final String PASSWORD = "Lp-s3cret-42";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Commands whose rule names a subcommand ({@code +pubsub|numsub}) when called from Lua. */
    private static final Set<String> CONTAINERS = Set.of(
            "PUBSUB",
            "CLIENT",
            "SCRIPT",
            "CONFIG",
            "OBJECT",
            "MEMORY",
            "CLUSTER",
            "FUNCTION",
            "ACL",
            "XINFO",
            "COMMAND");

    private static final Pattern LUA_CALL =
            Pattern.compile("redis\\.p?call\\(\\s*'([A-Za-z]+)'(?:\\s*,\\s*'([A-Za-z]+)')?");

    private static RedisServer server(boolean redis62) {
        return RedisServer.builder().password(ADMIN_PASSWORD).embedded(redis62).start();
    }

    private static String url(RedisServer redis) {
        return "redis://" + USER + ":" + PASSWORD + "@127.0.0.1:" + redis.port();
    }

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** The rule as a set of "+command" / "+command|sub" entries, lower case. */
    private static Set<String> allowed() {
        Set<String> out = new TreeSet<>();
        for (AclRule.Line l : AclRule.lines()) {
            for (String r : l.rules()) {
                if (r.startsWith("+")) {
                    out.add(r.toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return out;
    }

    @Test
    void theRuleIsAnAllowListOfJrqsKeysAndChannels() {
        List<String> rule = AclRule.base();
        System.out.println("LeastPrivilegeIT: docs/SECURITY.md's rule: ACL SETUSER jrq " + String.join(" ", rule));
        // Starts from nothing: no other key, channel or command survives from an earlier rule.
        assertThat(rule).startsWith("reset", "on", ">secret", "~jrq:*", "resetchannels", "&jrq:*", "-@all");
        assertThat(rule.subList(7, rule.size()))
                .allMatch(r -> r.matches("\\+[a-z]+(\\|[a-z-]+)?"), "single commands, no categories");
        // What must never be there, whatever else changes.
        assertThat(allowed())
                .doesNotContain(
                        "+flushall",
                        "+flushdb",
                        "+client",
                        "+client|kill",
                        "+client|pause",
                        "+client|list",
                        "+script",
                        "+script|flush",
                        "+scan",
                        "+keys",
                        "+randomkey",
                        "+config",
                        "+debug",
                        "+shutdown",
                        "+function",
                        "+monitor",
                        "+acl",
                        "+select",
                        "+psubscribe",
                        "+pubsub",
                        "+pubsub|channels");
    }

    /** Every command any of jrq's Lua scripts calls, even on paths a test rarely takes, is in the rule. */
    @Test
    void theRuleAllowsEveryCommandOfTheLuaScripts() throws IOException {
        // The sources, not the class path: the tests may run against the packaged jar.
        Path dir = AclRule.document().getParent().getParent().resolve("jrq-core/src/main/resources/io/jrq/lua");
        Set<String> called = new TreeSet<>();
        List<Path> scripts;
        try (Stream<Path> files = Files.walk(dir)) {
            scripts = files.filter(p -> p.toString().endsWith(".lua")).toList();
        }
        for (Path p : scripts) {
            Matcher m = LUA_CALL.matcher(Files.readString(p));
            while (m.find()) {
                String cmd = m.group(1).toLowerCase(java.util.Locale.ROOT);
                called.add(
                        CONTAINERS.contains(m.group(1).toUpperCase(java.util.Locale.ROOT)) && m.group(2) != null
                                ? "+" + cmd + "|" + m.group(2).toLowerCase(java.util.Locale.ROOT)
                                : "+" + cmd);
            }
        }
        System.out.println("LeastPrivilegeIT: the Lua scripts call " + called);
        assertThat(scripts).hasSizeGreaterThan(10);
        assertThat(called).hasSizeGreaterThan(20);
        assertThat(allowed()).containsAll(called);
    }

    @ParameterizedTest(name = "redis 6.2: {0}")
    @ValueSource(booleans = {false, true})
    void everyOperationWorksAsTheAclUser(boolean redis62) throws Exception {
        try (RedisServer redis = server(redis62)) {
            AclRule.create(redis, USER, PASSWORD, "jrq", false);
            redis.execute("ACL", "LOG", "RESET");
            redis.execute("CONFIG", "RESETSTAT");
            System.out.println("LeastPrivilegeIT: Redis " + redis.version() + ", rule "
                    + AclRule.rules(redis.version(), false, "<pw>", "jrq"));

            runEverything(url(redis));

            System.out.println(
                    "LeastPrivilegeIT: commands run on Redis " + redis.version() + ": " + commandsRun(redis));
            // Nothing jrq sent was refused, not even something whose refusal it tolerates quietly.
            assertThat(aclLog(redis)).as("ACL LOG of Redis " + redis.version()).isEmpty();
        }
    }

    @ParameterizedTest(name = "redis 6.2: {0}")
    @ValueSource(booleans = {false, true})
    void everythingElseIsRefused(boolean redis62) {
        try (RedisServer redis = server(redis62)) {
            AclRule.create(redis, USER, PASSWORD, "jrq", false);
            redis.execute("SET", "other:secret", "kept");
            boolean v7 = AclRule.atLeast(redis.version(), 7, 0);
            Map<String, String> problems = new LinkedHashMap<>();
            RedisClient client = RedisClient.create(RedisURI.builder()
                    .withHost("127.0.0.1")
                    .withPort(redis.port())
                    .withAuthentication(USER, PASSWORD)
                    .withTimeout(Duration.ofSeconds(10))
                    .build());
            try (StatefulRedisConnection<String, String> conn = client.connect();
                    StatefulRedisConnection<String, String> monitor = client.connect();
                    StatefulRedisPubSubConnection<String, String> pubsub = client.connectPubSub()) {
                RedisCommands<String, String> c = conn.sync();
                // It is a working jrq user: these are allowed.
                c.set("jrq:probe", "1");
                assertThat(c.get("jrq:probe")).isEqualTo("1");
                c.del("jrq:probe");
                long otherClient = Long.parseLong(redis.execute("CLIENT", "ID"));

                refused(problems, "FLUSHALL", c::flushall);
                refused(problems, "FLUSHDB", c::flushdb);
                refused(problems, "CLIENT PAUSE", () -> c.clientPause(1000));
                refused(problems, "CLIENT KILL", () -> c.clientKill(io.lettuce.core.KillArgs.Builder.id(otherClient)));
                refused(problems, "CLIENT LIST", c::clientList);
                refused(problems, "SCRIPT FLUSH", c::scriptFlush);
                refused(problems, "SCRIPT KILL", c::scriptKill);
                refused(problems, "SCAN", c::scan);
                refused(problems, "KEYS", () -> c.keys("*"));
                refused(problems, "RANDOMKEY", c::randomkey);
                refused(problems, "CONFIG GET", () -> c.configGet("requirepass"));
                refused(problems, "CONFIG SET", () -> c.configSet("maxmemory", "1"));
                refused(
                        problems,
                        "DEBUG",
                        () -> c.dispatch(
                                CommandType.DEBUG,
                                new StatusOutput<>(StringCodec.UTF8),
                                new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add("0")));
                refused(
                        problems,
                        "SHUTDOWN",
                        () -> c.dispatch(
                                CommandType.SHUTDOWN,
                                new StatusOutput<>(StringCodec.UTF8),
                                new CommandArgs<>(StringCodec.UTF8).add("NOSAVE")));
                if (v7) {
                    refused(problems, "FUNCTION", c::functionList);
                }
                refused(
                        problems,
                        "MONITOR",
                        () -> monitor.sync().dispatch(CommandType.MONITOR, new StatusOutput<>(StringCodec.UTF8)));
                refused(
                        problems,
                        "ACL SETUSER",
                        () -> c.aclSetuser(USER, io.lettuce.core.AclSetuserArgs.Builder.allCommands()));
                refused(problems, "ACL LIST", c::aclList);
                refused(problems, "SELECT", () -> c.select(1));
                refused(problems, "SWAPDB", () -> c.swapdb(0, 1));
                refused(problems, "SAVE", c::save);
                refused(problems, "BGSAVE", c::bgsave);
                refused(problems, "REPLICAOF", () -> c.replicaof("127.0.0.1", 1));
                refused(problems, "SLOWLOG GET", () -> c.slowlogGet());
                refused(problems, "PUBSUB CHANNELS", () -> c.pubsubChannels());
                refused(problems, "PSUBSCRIBE", () -> pubsub.sync().psubscribe("jrq:*"));
                // Keys and channels of others.
                refused(problems, "GET other:secret", () -> c.get("other:secret"));
                refused(problems, "SET other:secret", () -> c.set("other:secret", "overwritten"));
                refused(problems, "DEL other:secret", () -> c.del("other:secret"));
                refused(problems, "SET jrqx (no colon)", () -> c.set("jrqx", "1"));
                refused(problems, "PUBLISH other:channel", () -> c.publish("other:channel", "hi"));
                refused(problems, "SUBSCRIBE other:channel", () -> pubsub.sync().subscribe("other:channel"));
                // Scripting is allowed, but what a script calls is checked all the same.
                refused(
                        problems,
                        "EVAL GET other:secret",
                        () -> c.eval("return redis.call('GET', 'other:secret')", ScriptOutputType.VALUE));
                refused(
                        problems,
                        "EVAL SET other:secret",
                        () -> c.eval(
                                "return redis.call('SET', KEYS[1], 'x')", ScriptOutputType.STATUS, "other:secret"));
                refused(
                        problems,
                        "EVAL FLUSHALL",
                        () -> c.eval("return redis.call('FLUSHALL')", ScriptOutputType.STATUS));
                refused(problems, "EVAL KEYS", () -> c.eval("return redis.call('KEYS', '*')", ScriptOutputType.MULTI));
            } finally {
                client.shutdown();
            }
            System.out.println(
                    "LeastPrivilegeIT: on Redis " + redis.version()
                            + " refused: FLUSHALL FLUSHDB CLIENT PAUSE/KILL/LIST, SCRIPT"
                            + " FLUSH/KILL, SCAN KEYS RANDOMKEY, CONFIG, DEBUG, SHUTDOWN, FUNCTION, MONITOR, ACL, SELECT, SWAPDB, SAVE, BGSAVE,"
                            + " REPLICAOF, SLOWLOG, PUBSUB CHANNELS, PSUBSCRIBE, other keys and channels, and the same from scripts");
            assertThat(problems)
                    .as("commands the ACL user could run, or that failed otherwise than by ACL")
                    .isEmpty();
            assertThat(redis.execute("GET", "other:secret")).isEqualTo("kept");
            assertThat(redis.execute("CONFIG", "GET", "maxmemory")).isEqualTo("maxmemory\n0");
            assertThat(redis.isRunning()).isTrue();
        }
    }

    /** The document says how the rule changes with the key prefix: the key and channel patterns, nothing else. */
    @Test
    void anotherKeyPrefixChangesOnlyThePatterns() {
        try (RedisServer redis = server(false)) {
            AclRule.create(redis, USER, PASSWORD, "tenant7", false);
            String q = "prefixed-" + tag();
            JrqOptions options =
                    JrqOptions.builder().url(url(redis)).keyPrefix("tenant7").build();
            try (Jrq jrq = Jrq.connect(options);
                    Worker w = jrq.worker(q)
                            .allowPackages("io.jrq.testjobs")
                            .handleSignals(false)
                            .shutdownGrace(Duration.ZERO)
                            .start()) {
                assertThat(jrq.queue(q).enqueue(Jobs::add, 20, 22).await(WAIT)).isEqualTo(42);
                assertThat(jrq.admin().queues()).extracting(QueueInfo::name).containsExactly(q);
            }
            assertThat(redis.execute("EXISTS", "tenant7:queues")).isEqualTo("1");
            // With the default prefix the same user reaches nothing.
            Throwable t = catchThrowable(() -> {
                try (Jrq jrq = Jrq.connect(url(redis))) {
                    jrq.queue(q).enqueue(Jobs::add, 1, 1);
                }
            });
            assertThat(t).isNotNull().hasMessageContaining("NOPERM");
        }
    }

    /** On a cluster, each node gets the rule plus the document's cluster line (ACLs are per node). */
    @Test
    void aClusterNeedsOnlyTheClusterLine() {
        try (RedisCluster cluster = RedisCluster.start(3)) {
            for (RedisServer node : cluster.nodes()) {
                AclRule.create(node, USER, PASSWORD, "jrq", true);
                node.execute("ACL", "LOG", "RESET");
            }
            String seeds = String.join(
                    ",",
                    cluster.nodes().stream().map(n -> "127.0.0.1:" + n.port()).toList());
            String url = "redis-cluster://" + USER + ":" + PASSWORD + "@" + seeds;
            String tag = tag();
            List<String> queues =
                    IntStream.range(0, 4).mapToObj(i -> "cl" + i + "-" + tag).toList();
            try (Jrq jrq = Jrq.connect(url);
                    Worker w = jrq.worker(queues.toArray(String[]::new))
                            .allowPackages("io.jrq.testjobs")
                            .handleSignals(false)
                            .heartbeatInterval(Duration.ofMillis(200))
                            .shutdownGrace(Duration.ZERO)
                            .start();
                    Worker one = jrq.worker(queues.get(0))
                            .allowPackages("io.jrq.testjobs")
                            .handleSignals(false)
                            .shutdownGrace(Duration.ZERO)
                            .start()) {
                List<Job<Integer>> jobs = new ArrayList<>();
                for (String q : queues) {
                    jobs.add(jrq.queue(q).enqueue(Jobs::add, 1, 2));
                    jobs.add(jrq.queue(q).in(Duration.ofMillis(200)).enqueue(Jobs::add, 2, 2));
                }
                for (Job<Integer> j : jobs) {
                    assertThat(j.await(WAIT)).isIn(3, 4);
                }
                Job<Integer> child = jrq.queue(queues.get(1))
                        .with(EnqueueOptions.builder().dependsOn(jobs.get(0)).build())
                        .enqueue(Dag::sumOfDependencies);
                assertThat(child.await(WAIT)).isEqualTo(3);
                assertThat(jrq.admin().queues()).extracting(QueueInfo::name).containsAll(queues);
                assertThat(eventually(() -> jrq.admin().workers().size() == 2)).isTrue();
            }
            for (RedisServer node : cluster.nodes()) {
                assertThat(aclLog(node))
                        .as("ACL LOG of cluster node " + node.port())
                        .isEmpty();
            }
        }
    }

    /** Producer, worker, admin and recurring jobs, as far as a user of jrq can reach them. */
    private static void runEverything(String url) throws Exception {
        String tag = tag();
        String q = "lp-" + tag;
        String q2 = "lp2-" + tag;
        String q3 = "lp3-" + tag;
        try (Jrq jrq = Jrq.connect(url)) {
            // One worker with a single queue (it leases behind its BLMOVE and unblocks it at shutdown),
            // one with two queues (BLMOVE alone, then an idle fetch over both).
            Worker single = jrq.worker(q)
                    .allowPackages("io.jrq.testjobs")
                    .concurrency(4)
                    .handleSignals(false)
                    .heartbeatInterval(Duration.ofMillis(200))
                    .reapInterval(Duration.ofMillis(200))
                    .shutdownGrace(Duration.ZERO)
                    .start();
            Worker multi = jrq.worker(q2, q3)
                    .allowPackages("io.jrq.testjobs")
                    .concurrency(4)
                    .handleSignals(false)
                    .heartbeatInterval(Duration.ofMillis(200))
                    .reapInterval(Duration.ofMillis(200))
                    .shutdownGrace(Duration.ZERO)
                    .start();
            Queue queue = jrq.queue(q);
            Admin admin = jrq.admin();

            // Enqueue, result pushed to the waiting client.
            assertThat(queue.enqueue(Jobs::add, 1, 2).await(WAIT)).isEqualTo(3);
            assertThat(queue.enqueue("io.jrq.testjobs.Jobs::add", 2, 3).await(WAIT))
                    .isEqualTo(5);
            assertThat(queue.enqueueAsync(x -> x.enqueue(Jobs::square, 9))
                            .get(20, TimeUnit.SECONDS)
                            .await(WAIT))
                    .isEqualTo(81);
            // Bulk.
            List<Job<Integer>> bulk = queue.enqueueAll(
                    Jobs::square, IntStream.rangeClosed(1, 50).boxed().toList());
            int sum = 0;
            for (Job<Integer> j : bulk) {
                sum += j.await(WAIT);
            }
            assertThat(sum).isEqualTo(42_925);
            // Delayed, at a time, at the front.
            assertThat(queue.in(Duration.ofMillis(300)).enqueue(Jobs::add, 2, 2).await(WAIT))
                    .isEqualTo(4);
            assertThat(queue.at(Instant.now().plusMillis(300))
                            .enqueue(Jobs::add, 3, 3)
                            .await(WAIT))
                    .isEqualTo(6);
            assertThat(queue.with(EnqueueOptions.builder().atFront(true).build())
                            .enqueue(Jobs::add, 4, 4)
                            .await(WAIT))
                    .isEqualTo(8);
            // Retries with a delay, then success; a failure; a timeout.
            String flaky = "lp-flaky-" + tag;
            assertThat(queue.with(EnqueueOptions.builder()
                                    .retry(RetryPolicy.fixed(3, Duration.ofMillis(100)))
                                    .build())
                            .enqueue(Flaky::failTimes, flaky, 2)
                            .await(WAIT))
                    .isEqualTo(3);
            Job<String> failing = queue.enqueue(Jobs::fail, "boom " + tag);
            assertThat(catchThrowable(() -> failing.await(WAIT)))
                    .isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("boom");
            Job<Long> slow = queue.with(EnqueueOptions.builder()
                            .timeout(Duration.ofMillis(300))
                            .build())
                    .enqueue(Jobs::sleep, 10_000L);
            assertThat(catchThrowable(() -> slow.await(WAIT))).isInstanceOf(JobFailedException.class);
            // Callbacks, unique jobs, a durable write that cannot be confirmed (no replica), proving WAIT ran.
            Job<Integer> called = queue.with(
                            EnqueueOptions.builder().onSuccess(Callbacks::done).build())
                    .enqueue(Jobs::add, 6, 7);
            assertThat(called.await(WAIT)).isEqualTo(13);
            assertThat(eventually(() -> Callbacks.SEEN.contains("success " + called.id() + " 13")))
                    .isTrue();
            EnqueueOptions unique = EnqueueOptions.builder()
                    .unique("lp-unique-" + tag, Uniqueness.WHILE_ACTIVE)
                    .build();
            Job<Long> first = queue.with(unique).enqueue(Jobs::sleep, 300L);
            assertThat(queue.with(unique).enqueue(Jobs::sleep, 300L).id()).isEqualTo(first.id());
            first.await(WAIT);
            Throwable notDurable = catchThrowable(() -> queue.with(EnqueueOptions.builder()
                            .durability(Durability.replicas(1, Duration.ofMillis(100)))
                            .build())
                    .enqueue(Jobs::add, 1, 1));
            assertThat(notDurable).isInstanceOf(NotDurableException.class).hasMessageNotContaining("NOPERM");
            assertThat(((NotDurableException) notDurable).replicasAcknowledged())
                    .isZero();
            // Dependencies, within a queue and across queues.
            Job<Integer> parent = queue.enqueue(Dag::node, "lp-parent-" + tag, 2);
            Job<Integer> child = queue.with(
                            EnqueueOptions.builder().dependsOn(parent).build())
                    .enqueue(Dag::sumOfDependencies);
            Job<Integer> elsewhere = jrq.queue(q2)
                    .with(EnqueueOptions.builder().dependsOn(parent).build())
                    .enqueue(Dag::sumOfDependencies);
            assertThat(child.await(WAIT)).isEqualTo(2);
            assertThat(elsewhere.await(WAIT)).isEqualTo(2);
            // Progress pushed to the client, then the running job stopped through the worker's channel.
            List<Progress> seen = new CopyOnWriteArrayList<>();
            Job<Integer> steps = queue.enqueue(Flaky::steps, 1000, 20L);
            steps.onProgress(seen::add);
            assertThat(eventually(() -> !seen.isEmpty())).isTrue();
            assertThat(steps.progress()).isPresent();
            steps.cancel();
            assertThat(eventually(() -> steps.status() == JobStatus.STOPPED))
                    .as(steps.status().toString())
                    .isTrue();
            // A job that has not started yet is canceled at once.
            Job<Integer> later = queue.in(Duration.ofHours(1)).enqueue(Jobs::add, 1, 1);
            assertThat(later.cancel()).isEqualTo(JobStatus.CANCELED);
            // Limits: concurrency and rate.
            String occupy = "lp-occupy-" + tag;
            admin.limit(q3, QueueLimits.concurrency(1));
            List<Job<Void>> held = IntStream.range(0, 3)
                    .mapToObj(i -> jrq.queue(q3).enqueue(Jobs::occupy, occupy, 100L))
                    .toList();
            for (Job<Void> j : held) {
                j.await(WAIT);
            }
            assertThat(Jobs.PEAK.get(occupy).get()).isEqualTo(1);
            assertThat(admin.queue(q3).limits().concurrency()).isEqualTo(1);
            admin.limit(q3, QueueLimits.rate(20, Duration.ofSeconds(1)));
            for (Job<Integer> j : jrq.queue(q3).enqueueAll(Jobs::square, List.of(1, 2, 3))) {
                j.await(WAIT);
            }
            admin.limit(q3, QueueLimits.NONE);
            // Pause, resume, empty.
            admin.pause(q3);
            Job<Integer> held2 = jrq.queue(q3).enqueue(Jobs::add, 5, 5);
            Thread.sleep(500);
            assertThat(held2.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(admin.queue(q3).paused()).isTrue();
            admin.resume(q3);
            assertThat(held2.await(WAIT)).isEqualTo(10);
            admin.pause(q2);
            jrq.queue(q2).enqueueAll(Jobs::square, List.of(1, 2, 3));
            assertThat(jrq.queue(q2).size()).isEqualTo(3);
            assertThat(admin.empty(q2)).isEqualTo(3);
            admin.resume(q2);
            // Recurring jobs, at an interval and by cron (seconds).
            String every = "lp-every-" + tag;
            String cron = "lp-cron-" + tag;
            jrq.recurring()
                    .schedule(RecurringJob.builder(every)
                            .queue(q)
                            .every(Duration.ofMillis(200))
                            .call(Ticks::record, every)
                            .build());
            jrq.recurring()
                    .schedule(RecurringJob.builder(cron)
                            .queue(q2)
                            .cron("* * * * * *", ZoneOffset.UTC, CronSyntax.SPRING)
                            .call(Ticks::record, cron)
                            .build());
            assertThat(eventually(() ->
                            Ticks.runs(every).size() >= 2 && !Ticks.runs(cron).isEmpty()))
                    .isTrue();
            assertThat(jrq.recurring().list()).extracting(r -> r.name()).contains(every, cron);
            assertThat(jrq.recurring().get(q, every)).isPresent();
            assertThat(jrq.recurring().unreadable()).isEmpty();
            assertThat(jrq.recurring().delete(q, every)).isTrue();
            assertThat(jrq.recurring().delete(q2, cron)).isTrue();
            // Reads of the operators' API, and lookups by id.
            assertThat(admin.queues()).extracting(QueueInfo::name).contains(q, q2, q3);
            QueueInfo info = admin.queue(q);
            assertThat(info.count(JobStatus.FINISHED)).isPositive();
            assertThat(info.count(JobStatus.FAILED)).isEqualTo(2);
            for (JobStatus s : JobStatus.values()) {
                admin.jobs(q, s, 0, 10);
            }
            assertThat(admin.job(q, failing.id())).map(JobInfo::status).hasValue(JobStatus.FAILED);
            assertThat(jrq.job(failing.id())).isPresent();
            assertThat(queue.job(called.id())).isPresent();
            assertThat(eventually(() -> admin.workers().stream()
                            .map(WorkerInfo::name)
                            .toList()
                            .containsAll(List.of(single.name(), multi.name()))))
                    .isTrue();
            // Failed jobs: requeue one, then all, then delete.
            assertThat(admin.requeue(q, List.of(failing.id()))).isEqualTo(1);
            assertThat(eventually(() -> failing.status() == JobStatus.FAILED)).isTrue();
            assertThat(admin.requeueAllFailed(q)).isEqualTo(2);
            assertThat(eventually(() -> admin.queue(q).count(JobStatus.FAILED) == 2))
                    .isTrue();
            assertThat(admin.delete(q, List.of(slow.id()))).isEqualTo(1);
            assertThat(admin.deleteAllFailed(q)).isEqualTo(1);
            assertThat(admin.queue(q).count(JobStatus.FAILED)).isZero();
            // Shutdown: the waiters are unblocked, unfinished jobs given back.
            Job<Integer> leftOver = jrq.queue(q2).enqueue(Flaky::steps, 1000, 20L);
            assertThat(eventually(() -> leftOver.status() == JobStatus.STARTED)).isTrue();
            single.close();
            multi.close();
            assertThat(leftOver.status()).isIn(JobStatus.QUEUED, JobStatus.STOPPED, JobStatus.SCHEDULED);
            assertThat(eventually(() -> admin.workers().isEmpty())).isTrue();
        }
    }

    private static void refused(Map<String, String> problems, String what, Runnable command) {
        try {
            command.run();
            problems.put(what, "was allowed");
        } catch (RedisCommandExecutionException e) {
            String m = String.valueOf(e.getMessage());
            if (!m.startsWith("NOPERM") && !m.contains("The user executing the script can't")) {
                problems.put(what, "failed otherwise: " + m);
            }
        }
    }

    /** @return the ACL LOG entries, empty when nothing was refused */
    private static String aclLog(RedisServer redis) {
        String log = redis.execute("ACL", "LOG");
        return log == null ? "" : log.trim();
    }

    /** @return the commands the server ran since CONFIG RESETSTAT, from INFO commandstats */
    private static Set<String> commandsRun(RedisServer redis) {
        Set<String> out = new TreeSet<>();
        for (String line : redis.execute("INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                out.add(line.substring("cmdstat_".length(), line.indexOf(':')));
            }
        }
        return out;
    }

    private static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
