package io.jrq.cli;

import io.jrq.Jrq;
import io.jrq.Worker;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the command-line tests share: the test kit's shared Redis server, the command line run as
 * a process against it, a client in the test's own JVM to set up and check what the commands
 * see, and a queue name of the test's own.
 */
@ExtendWith(RedisExtension.class)
abstract class CliSupport {
    @TempDir
    Path tmp;

    RedisServer redis;
    Cli cli;
    Jrq jrq;
    String queue;
    /** Workers started in the test's JVM, closed after the test. */
    final List<Worker> workers = new ArrayList<>();

    @BeforeEach
    void connect(RedisServer redis) {
        this.redis = redis;
        this.cli = new Cli(tmp, redis.url());
        this.jrq = Jrq.connect(redis.url());
        this.queue = name("q");
    }

    @AfterEach
    void close() {
        workers.forEach(Worker::close);
        jrq.close();
    }

    /** @param prefix what the name is for @return a name no other test uses */
    static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A worker in the test's JVM, for tests whose subject is not the worker command.
     *
     * @param queues its queues
     * @return the started worker, closed after the test
     */
    Worker worker(String... queues) {
        Worker w = jrq.worker(queues)
                .allowPackages("io.jrq.demo")
                .handleSignals(false)
                .shutdownGrace(Duration.ZERO)
                .heartbeatInterval(Duration.ofMillis(200))
                .start();
        workers.add(w);
        return w;
    }

    /** @param condition waited for, up to 30 s @return true when it held in time */
    static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Cli.sleep(50);
        }
        return condition.getAsBoolean();
    }

    /** @return a URL where no Redis answers */
    static String nowhere() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "redis://127.0.0.1:" + s.getLocalPort();
        }
    }
}
