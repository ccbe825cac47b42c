package io.jrq.redisserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisProcessIT {

    @Test
    void startsAnswersAndIsGoneAfterClose() throws IOException {
        RedisProcess redis = RedisProcess.start();
        long pid = redis.pid();
        Path dir = redis.dataDir();
        try {
            assertThat(redis.isRunning()).isTrue();
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(redis.version()).matches("\\d+\\.\\d+\\.\\d+");
            try (Resp resp = Resp.connect(redis.host(), redis.port(), null, 1000, 5000)) {
                assertThat(resp.call("PING")).isEqualTo("PONG");
            }
        } finally {
            redis.close();
        }
        assertThat(redis.isRunning()).isFalse();
        // The operating system's view, not only the Process handle's: no redis-server left behind.
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        assertThat(handle.map(ProcessHandle::isAlive)).isIn(Optional.empty(), Optional.of(false));
        assertThat(Files.exists(dir)).isFalse();
        assertThatThrownBy(() -> new Socket("127.0.0.1", redis.port()).close()).isInstanceOf(IOException.class);
        redis.close();
    }

    @Test
    void stopKeepsTheDirectoryForAnotherLaunch() {
        ServerConfig config = new ServerConfig();
        config.set("appendonly", "yes");
        config.set("appendfsync", "always");
        try (RedisProcess redis = RedisProcess.start(RedisBinary.resolve(), 0, "pa ss", config, () -> {})) {
            assertThat(redis.url()).isEqualTo("redis://:pa%20ss@127.0.0.1:" + redis.port());
            call(redis, "SET", "k", "v");
            long first = redis.pid();
            redis.kill();
            assertThat(redis.isRunning()).isFalse();
            redis.launch();
            assertThat(redis.pid()).isNotEqualTo(first);
            assertThat(call(redis, "GET", "k")).isEqualTo("v");
            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            assertThat(Files.isDirectory(redis.dataDir())).isTrue();
        }
    }

    @Test
    void embeddedBinaryRunsWhereNothingIsInstalled() {
        RedisBinary embedded = RedisBinary.resolve(null, true);
        assertThat(embedded.majorVersion()).isEqualTo(6);
        try (RedisProcess redis = RedisProcess.start(embedded, 0, null, new ServerConfig(), () -> {})) {
            assertThat(redis.version()).startsWith("6.2.");
        }
    }

    private static Object call(RedisProcess redis, String... command) {
        try (Resp resp = Resp.connect(redis.host(), redis.port(), "pa ss", 1000, 5000)) {
            return resp.call(command);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
