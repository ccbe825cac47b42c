package io.jrq.redisserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path dir;

    private List<String> written(ServerConfig config, String password, int major) throws IOException {
        Path file = dir.resolve("redis.conf");
        config.write(file, 7001, dir, dir.resolve("redis.log"), password, major);
        return Files.readAllLines(file);
    }

    @Test
    void defaultsKeepTheServerEphemeralAndLocal() throws IOException {
        List<String> lines = written(new ServerConfig(), null, 7);
        assertThat(lines)
                .contains(
                        "port 7001",
                        "bind 127.0.0.1",
                        "daemonize no",
                        "save \"\"",
                        "appendonly no",
                        "enable-debug-command yes",
                        "dir \"" + dir.toAbsolutePath() + "\"");
        assertThat(lines).noneMatch(l -> l.startsWith("requirepass"));
    }

    @Test
    void redis6GetsNoDirectivesItDoesNotKnow() throws IOException {
        assertThat(written(new ServerConfig(), null, 6)).noneMatch(l -> l.startsWith("enable-debug-command"));
    }

    @Test
    void userDirectivesReplaceDefaultsAndMayRepeat() throws IOException {
        ServerConfig config = new ServerConfig();
        config.add("save", "60 1000");
        config.add("save", "300 10");
        config.set("appendonly", "no");
        config.set("appendonly", "yes");
        List<String> lines = written(config, null, 7);
        assertThat(lines)
                .contains("save 60 1000", "save 300 10", "appendonly yes")
                .doesNotContain("save \"\"", "appendonly no");
    }

    @Test
    void passwordIsQuoted() throws IOException {
        assertThat(written(new ServerConfig(), "a \"b\"\\c", 7)).contains("requirepass \"a \\\"b\\\"\\\\c\"");
    }

    @Test
    void managedDirectivesAreRefused() {
        ServerConfig config = new ServerConfig();
        assertThatThrownBy(() -> config.add("PORT", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("managed");
        assertThatThrownBy(() -> config.add("dir", "/tmp")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.add("maxmemory", "1mb\nport 1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void detectsClusterMode() {
        ServerConfig config = new ServerConfig();
        assertThat(config.isClusterEnabled()).isFalse();
        config.add("cluster-enabled", "yes");
        assertThat(config.isClusterEnabled()).isTrue();
    }
}
