package io.jrq.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class SpringRedisSettingsTest {
    private static String url(Map<String, String> props) {
        MockEnvironment env = new MockEnvironment();
        props.forEach(env::setProperty);
        return SpringRedisSettings.bind(env).toJrqUrl();
    }

    @Test
    void defaultsToSpringsDefaults() {
        assertThat(url(Map.of())).isEqualTo("redis://localhost:6379");
    }

    @Test
    void standaloneWithUserPasswordDatabaseAndTls() {
        assertThat(url(Map.of(
                        "spring.data.redis.host",
                        "cache.internal",
                        "spring.data.redis.port",
                        "6380",
                        "spring.data.redis.username",
                        "app",
                        "spring.data.redis.password",
                        "p@ss:w/rd %",
                        "spring.data.redis.database",
                        "3",
                        "spring.data.redis.ssl.enabled",
                        "true")))
                .isEqualTo("rediss://app:p%40ss%3Aw%2Frd%20%25@cache.internal:6380/3");
    }

    @Test
    void aBundleTurnsTlsOn() {
        assertThat(url(Map.of("spring.data.redis.ssl.bundle", "redis"))).startsWith("rediss://");
    }

    @Test
    void theUrlWinsOverTheParts() {
        assertThat(url(Map.of(
                        "spring.data.redis.url", "redis://:secret@db:6390/2", "spring.data.redis.host", "ignored")))
                .isEqualTo("redis://:secret@db:6390/2");
        assertThat(url(Map.of("spring.data.redis.url", "redis://db:6390", "spring.data.redis.ssl.enabled", "true")))
                .isEqualTo("rediss://db:6390");
    }

    @Test
    void sentinelAndCluster() {
        assertThat(url(Map.of(
                        "spring.data.redis.sentinel.master",
                        "mymaster",
                        "spring.data.redis.sentinel.nodes",
                        "s1:26379,s2:26379",
                        "spring.data.redis.password",
                        "pw")))
                .isEqualTo("redis-sentinel://:pw@s1:26379,s2:26379#mymaster");
        assertThat(url(Map.of("spring.data.redis.cluster.nodes", "n1:7000,n2:7001")))
                .isEqualTo("redis-cluster://n1:7000,n2:7001");
    }

    @Test
    void sentinelCredentialsAreRefusedWithTheWayOut() {
        assertThatThrownBy(() -> url(Map.of(
                        "spring.data.redis.sentinel.master",
                        "m",
                        "spring.data.redis.sentinel.nodes",
                        "s:1",
                        "spring.data.redis.sentinel.password",
                        "x")))
                .hasMessageContaining("jrq.url");
    }

    @Test
    void neverShowsThePassword() {
        MockEnvironment env = new MockEnvironment().withProperty("spring.data.redis.password", "hunter2");
        assertThat(SpringRedisSettings.bind(env).toString()).doesNotContain("hunter2");
    }

    @Test
    void graceStaysInsideTheShutdownPhase() {
        assertThat(WorkerLifecycle.grace(Duration.ofSeconds(30), Duration.ofSeconds(30)))
                .isEqualTo(Duration.ofSeconds(28));
        assertThat(WorkerLifecycle.grace(Duration.ofSeconds(5), Duration.ofSeconds(30)))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(WorkerLifecycle.grace(Duration.ofSeconds(30), Duration.ofSeconds(3)))
                .isEqualTo(Duration.ofMillis(2400));
    }
}
