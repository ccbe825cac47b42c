package io.jrq.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisCluster;
import io.jrq.testkit.RedisServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A password in the Redis URL must never reach a log line (at any level, Lettuce's and Netty's
 * included), an exception message, {@code toString()}, or the worker registry in Redis: while
 * connecting, failing to connect (wrong password, unreachable host, malformed URL), running a worker
 * and its jobs.
 */
class SecretsIT {
    private static final String USER = "jrqapp";
    private static final String SECRET = "Zq9-s3cr3t-Pw7";

    private RedisServer redis;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private Level rootLevel;
    private final StringBuilder seen = new StringBuilder();

    @BeforeEach
    void start() {
        redis = RedisServer.builder().password("admin-" + SECRET).start();
        AclRule.create(redis, USER, SECRET, "jrq", false);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LoggerContext ctx = root.getLoggerContext();
        rootLevel = root.getLevel();
        // Everything down to DEBUG, from every library, goes to the list (and not to the console).
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            detached.add(it.next());
        }
        detached.forEach(root::detachAppender);
        ctx.getLoggerList().forEach(l -> {
            if (l != root) {
                l.setLevel(null);
            }
        });
        root.setLevel(Level.DEBUG);
        logs.setContext(ctx);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stop() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logs);
        detached.forEach(root::addAppender);
        root.setLevel(rootLevel);
        // Back to logback-test.xml's levels for the other tests in this JVM.
        ((Logger) LoggerFactory.getLogger("io.lettuce")).setLevel(Level.WARN);
        ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.WARN);
        redis.close();
    }

    private String url(String password) {
        return "redis://" + USER + ":" + password + "@127.0.0.1:" + redis.port();
    }

    private void record(Object o) {
        seen.append(o).append('\n');
        if (o instanceof Throwable t) {
            StringWriter sw = new StringWriter();
            t.printStackTrace(new PrintWriter(sw));
            seen.append(sw).append('\n');
        }
    }

    private String everything() {
        StringBuilder all = new StringBuilder(seen);
        // a copy: the worker's threads may still be logging (ArrayList.toArray does not check for that)
        for (ILoggingEvent e : logs.list.toArray(new ILoggingEvent[0])) {
            all.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                all.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        return all.toString();
    }

    @Test
    void thePasswordAppearsNowhere() throws Exception {
        // Works end to end as a least-privilege ACL user.
        JrqOptions options = JrqOptions.builder().url(url(SECRET)).build();
        record(options);
        try (Jrq jrq = Jrq.connect(options)) {
            record(jrq);
            record(jrq.options());
            Worker w = jrq.worker("secrets")
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start();
            record(w);
            assertThat(jrq.queue("secrets").enqueue(Jobs::add, 1, 2).await(Duration.ofSeconds(20)))
                    .isEqualTo(3);
            jrq.admin().workers().forEach(this::record);
            Keys keys = new Keys("jrq");
            record(redis.execute("HGETALL", keys.worker(w.name())));
            record(redis.execute("SMEMBERS", keys.workers()));
            w.close();
        }
        // Wrong password, unreachable host, malformed URLs: the errors name the server, not the secret.
        Throwable wrongPassword =
                catchThrowable(() -> Jrq.connect(url(SECRET + "x")).close());
        assertThat(wrongPassword).isNotNull();
        record(wrongPassword);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Throwable unreachable =
                catchThrowable(() -> Jrq.connect("redis://" + USER + ":" + SECRET + "@127.0.0.1:" + closed)
                        .close());
        assertThat(unreachable).isNotNull().hasMessageContaining("127.0.0.1:" + closed);
        record(unreachable);
        for (String bad : List.of(
                USER + ":" + SECRET + "@127.0.0.1:" + redis.port(),
                "redis://" + USER + ":" + SECRET + "@127.0.0.1:notaport",
                "redis://" + USER + ":" + SECRET + "/with/slash@127.0.0.1:" + redis.port(),
                "redis-cluster://" + USER + ":" + SECRET + "@")) {
            Throwable t = catchThrowable(() -> Jrq.connect(bad).close());
            assertThat(t).as(bad).isNotNull();
            record(t);
        }

        String all = everything();
        System.out.println("SecretsIT: log events=" + logs.list.size() + " checked chars=" + all.length()
                + " password occurrences=" + count(all, SECRET));
        assertThat(logs.list).as("DEBUG logging was captured").isNotEmpty();
        assertThat(all)
                .contains("127.0.0.1:" + redis.port())
                .contains(USER + ":***@")
                .doesNotContain(SECRET);
        // Not even its length: Lettuce's own mask shows one '*' per character.
        assertThat(all).doesNotContainPattern("\\*{4,}@");
    }

    @Test
    void thePasswordAndItsLengthAppearNowhereOnACluster() {
        try (RedisCluster cluster = RedisCluster.start(3)) {
            for (RedisServer node : cluster.nodes()) {
                AclRule.create(node, USER, SECRET, "jrq", true);
            }
            String seeds = String.join(
                    ",",
                    cluster.nodes().stream().map(n -> "127.0.0.1:" + n.port()).toList());
            try (Jrq jrq = Jrq.connect("redis-cluster://" + USER + ":" + SECRET + "@" + seeds)) {
                record(jrq);
                Worker w = jrq.worker("secrets-a", "secrets-b")
                        .allowPackages("io.jrq.testjobs")
                        .handleSignals(false)
                        .start();
                assertThat(jrq.queue("secrets-a").enqueue(Jobs::add, 1, 2).await(Duration.ofSeconds(20)))
                        .isEqualTo(3);
                assertThat(jrq.queue("secrets-b").enqueue(Jobs::add, 2, 2).await(Duration.ofSeconds(20)))
                        .isEqualTo(4);
                jrq.admin().workers().forEach(this::record);
                w.close();
            }
        }
        Throwable unreachable =
                catchThrowable(() -> Jrq.connect("redis-cluster://" + USER + ":" + SECRET + "@127.0.0.1:1,127.0.0.1:2")
                        .close());
        assertThat(unreachable).isNotNull();
        record(unreachable);

        String all = everything();
        System.out.println("SecretsIT (cluster): log events=" + logs.list.size() + " checked chars=" + all.length());
        assertThat(all).contains(USER + ":***@").doesNotContain(SECRET).doesNotContainPattern("\\*{4,}@");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
