package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrq.testkit.Private;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The protocol version key (docs/PROTOCOL.md, "Protocol version"): a client claims it when it
 * connects and refuses a Redis that holds another version, before it stores anything.
 */
@ExtendWith(RedisExtension.class)
class ProtocolVersionIT {
    @Test
    void aFreshRedisGetsVersionOneAndKeepsIt(@Private RedisServer redis) {
        try (Jrq jrq = Jrq.connect(redis.url())) {
            assertThat(redis.execute("GET", "jrq:protocol")).isEqualTo("1");
            jrq.queue("v").enqueue("noop");
        }
        // A second client finds its own version and goes on.
        try (Jrq jrq = Jrq.connect(redis.url())) {
            assertThat(jrq.queue("v").size()).isEqualTo(1);
        }
        assertThat(redis.execute("GET", "jrq:protocol")).isEqualTo("1");
        assertThat(redis.execute("TTL", "jrq:protocol")).isEqualTo("-1");
    }

    @Test
    void anotherVersionFailsTheConnectAndNothingIsStored(@Private RedisServer redis) {
        redis.execute("SET", "jrq:protocol", "2");
        assertThatThrownBy(() -> Jrq.connect(redis.url()))
                .isInstanceOf(JrqException.class)
                .hasMessageContaining("protocol version '2'")
                .hasMessageContaining("speaks version 1")
                .hasMessageContaining("jrq:protocol");
        assertThat(redis.execute("GET", "jrq:protocol")).isEqualTo("2");
        assertThat(redis.execute("DBSIZE")).isEqualTo("1");

        // The key is per prefix: another prefix is another set of queues, with its own version.
        try (Jrq other = Jrq.connect(
                JrqOptions.builder().url(redis.url()).keyPrefix("other").build())) {
            other.queue("v").enqueue("noop");
        }
        assertThat(redis.execute("GET", "other:protocol")).isEqualTo("1");
        assertThat(redis.execute("GET", "jrq:protocol")).isEqualTo("2");
    }

    @Test
    void aFullRedisIsStillCheckedByTheRead(@Private RedisServer redis) {
        // At its maxmemory Redis refuses the SET NX; a client must still connect to free memory.
        redis.execute("CONFIG", "SET", "maxmemory", "1");
        try (Jrq jrq = Jrq.connect(redis.url())) {
            assertThat(jrq.queue("v").size()).isZero();
        }
        assertThat(redis.execute("EXISTS", "jrq:protocol")).isEqualTo("0");
        redis.execute("CONFIG", "SET", "maxmemory", "0");
        redis.execute("SET", "jrq:protocol", "7");
        redis.execute("CONFIG", "SET", "maxmemory", "1");
        assertThatThrownBy(() -> Jrq.connect(redis.url()))
                .isInstanceOf(JrqException.class)
                .hasMessageContaining("protocol version '7'");
        redis.execute("CONFIG", "SET", "maxmemory", "0");
    }
}
