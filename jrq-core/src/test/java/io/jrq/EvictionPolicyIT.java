package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrq.testkit.Private;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A worker refuses a Redis that may evict queued jobs, unless told to accept it. */
@ExtendWith(RedisExtension.class)
class EvictionPolicyIT {
    @Test
    void refusesAnAllKeysEvictionPolicy(@Private RedisServer redis) {
        redis.execute("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        try (Jrq jrq = Jrq.connect(redis.url())) {
            assertThatThrownBy(() -> jrq.worker("evict").handleSignals(false).start())
                    .isInstanceOf(JrqException.class)
                    .hasMessageContaining("allkeys-lru")
                    .hasMessageContaining("noeviction");
            try (Worker w = jrq.worker("evict")
                    .allowEvictingRedis(true)
                    .handleSignals(false)
                    .start()) {
                assertThat(w.isRunning()).isTrue();
            }
            redis.execute("CONFIG", "SET", "maxmemory-policy", "volatile-lru");
            try (Worker w = jrq.worker("evict").handleSignals(false).start()) {
                assertThat(w.isRunning()).isTrue();
            }
        }
    }
}
