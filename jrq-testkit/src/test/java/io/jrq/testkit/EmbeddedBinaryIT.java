package io.jrq.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.redisserver.RedisBinary;
import org.junit.jupiter.api.Test;

/** The binary in the embedded-redis jar must work on a machine where Redis is not installed. */
class EmbeddedBinaryIT {

    @Test
    void builderCanForceTheEmbeddedBinary() {
        try (RedisServer redis = RedisServer.builder().embedded(true).start()) {
            assertThat(redis.version()).startsWith("6.2.");
            assertThat(redis.execute("SET", "k", "v")).isEqualTo("OK");
            assertThat(redis.execute("GET", "k")).isEqualTo("v");
        }
    }

    @Test
    void systemPropertyForcesTheEmbeddedBinary() {
        String previous = System.getProperty(RedisBinary.EMBEDDED_PROPERTY);
        System.setProperty(RedisBinary.EMBEDDED_PROPERTY, "true");
        try (RedisServer redis = RedisServer.start()) {
            assertThat(redis.version()).startsWith("6.2.");
        } finally {
            if (previous == null) {
                System.clearProperty(RedisBinary.EMBEDDED_PROPERTY);
            } else {
                System.setProperty(RedisBinary.EMBEDDED_PROPERTY, previous);
            }
        }
    }

    @Test
    void embeddedServerSupportsPersistenceAcrossKill() {
        try (RedisServer redis = RedisServer.builder()
                .embedded(true)
                .appendOnly(true)
                .appendFsync("always")
                .start()) {
            redis.execute("SET", "durable", "yes");
            redis.kill();
            redis.restart();
            assertThat(redis.execute("GET", "durable")).isEqualTo("yes");
        }
    }
}
