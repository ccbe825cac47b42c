package io.jrq.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrq.redisserver.Processes;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisServerIT {

    @Test
    void startsExecutesAndStops() {
        Path dataDir;
        try (RedisServer redis = RedisServer.start()) {
            dataDir = redis.dataDir();
            assertThat(redis.isRunning()).isTrue();
            assertThat(redis.host()).isEqualTo("127.0.0.1");
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(redis.pid()).isPositive();
            assertThat(redis.version()).matches("\\d+\\.\\d+\\.\\d+");
            assertThat(Files.exists(dataDir.resolve("redis.log"))).isTrue();

            assertThat(redis.execute("PING")).isEqualTo("PONG");
            assertThat(redis.execute("SET", "greeting", "héllo wörld")).isEqualTo("OK");
            assertThat(redis.execute("GET", "greeting")).isEqualTo("héllo wörld");
            assertThat(redis.execute("GET", "missing")).isNull();
            assertThat(redis.execute("RPUSH", "list", "a", "b")).isEqualTo("2");
            assertThat(redis.execute("LRANGE", "list", "0", "-1")).isEqualTo("a\nb");
            assertThat(redis.execute("INFO", "server")).contains("redis_version:" + redis.version());
            assertThat(redis.execute("DEBUG", "SLEEP", "0")).isEqualTo("OK");
            assertThatThrownBy(() -> redis.execute("NO-SUCH-COMMAND"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("unknown command");

            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> redis.execute("PING")).isInstanceOf(UncheckedIOException.class);
        }
        assertThat(Files.exists(dataDir)).isFalse();
    }

    @Test
    void killedServerKeepsFsyncedWritesAcrossRestartOnTheSamePort() {
        try (RedisServer redis =
                RedisServer.builder().appendOnly(true).appendFsync("always").start()) {
            int port = redis.port();
            long pid = redis.pid();
            redis.execute("SET", "durable", "yes");

            redis.kill();
            assertThat(redis.isRunning()).isFalse();

            redis.restart();
            assertThat(redis.isRunning()).isTrue();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.pid()).isNotEqualTo(pid);
            assertThat(redis.execute("GET", "durable")).isEqualTo("yes");
        }
    }

    @Test
    void replicaCopiesThePrimary() {
        try (RedisServer primary = RedisServer.builder().password("s3cret").start();
                RedisServer replica = RedisServer.builder()
                        .password("s3cret")
                        .replicaOf(primary)
                        .start()) {
            replica.awaitReplicaLinkUp(java.time.Duration.ofSeconds(20));
            primary.execute("SET", "k", "v");
            // WAIT on the connection that wrote is what makes the read below safe; execute() opens a
            // new connection per command, so poll instead.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"v".equals(replica.execute("GET", "k")) && System.nanoTime() < deadline) {
                Processes.sleep(20);
            }
            assertThat(replica.execute("GET", "k")).isEqualTo("v");
            assertThat(replica.execute("INFO", "replication")).contains("role:slave");
        }
    }

    @Test
    void restartWithoutPersistenceStartsEmpty() {
        try (RedisServer redis = RedisServer.start()) {
            redis.execute("SET", "volatile", "1");
            redis.restart();
            assertThat(redis.execute("GET", "volatile")).isNull();
        }
    }

    @Test
    void pausedServerTimesOutClientsUntilResumed() {
        try (RedisServer redis = RedisServer.start()) {
            RedisURI uri = RedisURI.create(redis.url());
            uri.setTimeout(Duration.ofMillis(300));
            RedisClient client = RedisClient.create(uri);
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                RedisCommands<String, String> commands = connection.sync();
                commands.set("k", "v");

                redis.pause();
                assertThat(redis.isRunning()).isTrue();
                assertThatThrownBy(() -> commands.get("k")).isInstanceOf(RedisCommandTimeoutException.class);

                redis.resume();
                connection.setTimeout(Duration.ofSeconds(5));
                assertThat(commands.get("k")).isEqualTo("v");
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void pausedServerCanStillBeStopped() {
        RedisServer redis = RedisServer.start();
        redis.pause();
        redis.close();
        assertThat(redis.isRunning()).isFalse();
    }

    @Test
    void passwordIsRequiredAndCarriedInTheUrl() {
        try (RedisServer redis = RedisServer.builder().password("s3cret pw").start()) {
            assertThat(redis.url()).isEqualTo("redis://:s3cret%20pw@127.0.0.1:" + redis.port());
            assertThat(redis.execute("PING")).isEqualTo("PONG");

            RedisClient client = RedisClient.create(redis.url());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertThat(connection.sync().ping()).isEqualTo("PONG");
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void appliesConfigDirectives() {
        try (RedisServer redis = RedisServer.builder()
                .config("maxmemory-policy", "allkeys-lru")
                .config("save", "3600 1")
                .start()) {
            assertThat(redis.execute("CONFIG", "GET", "maxmemory-policy")).isEqualTo("maxmemory-policy\nallkeys-lru");
            assertThat(redis.execute("CONFIG", "GET", "save")).isEqualTo("save\n3600 1");
            assertThat(redis.execute("CONFIG", "SET", "maxmemory-policy", "noeviction"))
                    .isEqualTo("OK");
        }
    }

    @Test
    void fixedPortIsUsed() {
        int port = FreePorts.find();
        try (RedisServer redis = RedisServer.builder().port(port).start()) {
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.execute("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void takenFixedPortFailsWithTheLogInTheMessage() {
        try (RedisServer first = RedisServer.start()) {
            assertThatThrownBy(() -> RedisServer.builder().port(first.port()).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Address already in use");
            assertThat(first.execute("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void badConfigFailsWithTheLogInTheMessage() {
        assertThatThrownBy(() ->
                        RedisServer.builder().config("no-such-directive", "1").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited")
                .hasMessageContaining("no-such-directive");
    }

    @Test
    void flushAllEmptiesAPrivateServer() {
        try (RedisServer redis = RedisServer.start()) {
            redis.execute("SET", "a", "1");
            redis.flushAll();
            assertThat(redis.execute("DBSIZE")).isEqualTo("0");
        }
    }

    @Test
    void closeIsIdempotent() {
        RedisServer redis = RedisServer.start();
        redis.close();
        redis.close();
        assertThat(redis.isRunning()).isFalse();
        assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class);
    }
}
