package io.jrq.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisExtensionIT {

    private static RedisServer sharedFromBeforeAll;
    private static RedisServer privateFromEarlierTest;
    private static RedisServer privateFromEarlierConstructor;

    private final RedisServer sharedFromConstructor;
    private final RedisServer privateFromConstructor;

    RedisExtensionIT(RedisServer redis, @Private RedisServer own) {
        this.sharedFromConstructor = redis;
        this.privateFromConstructor = own;
    }

    @BeforeAll
    static void beforeAll(RedisServer redis) {
        sharedFromBeforeAll = redis;
    }

    @Test
    @Order(1)
    void sharedServerIsTheSameEverywhere(RedisServer redis) {
        assertThat(redis).isSameAs(sharedFromBeforeAll).isSameAs(sharedFromConstructor);
        String key = "ext-" + UUID.randomUUID();
        redis.execute("SET", key, "1");
        assertThat(redis.execute("GET", key)).isEqualTo("1");
    }

    @Test
    @Order(2)
    void sharedServerRefusesDestructiveOperations(RedisServer redis) {
        assertThatThrownBy(redis::flushAll)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@Private");
        assertThatThrownBy(() -> redis.execute("flushdb")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(redis::kill).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(redis::pause).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(redis::close).isInstanceOf(IllegalStateException.class);
        assertThat(redis.isRunning()).isTrue();
    }

    @Test
    @Order(3)
    void privateServersAreFreshAndDistinct(
            @Private RedisServer first, @Private RedisServer second, RedisServer shared) {
        assertThat(first).isNotSameAs(second).isNotSameAs(shared);
        assertThat(first.port()).isNotEqualTo(second.port()).isNotEqualTo(shared.port());
        first.execute("SET", "k", "v");
        first.flushAll();
        first.kill();
        privateFromEarlierTest = second;
        privateFromEarlierConstructor = privateFromConstructor;
        assertThat(privateFromConstructor.isRunning()).isTrue();
    }

    @Test
    @Order(4)
    void privateServerWasClosedAfterItsTest() {
        assertThat(privateFromEarlierTest.isRunning()).isFalse();
        assertThat(Files.exists(privateFromEarlierTest.dataDir())).isFalse();
        assertThat(privateFromEarlierConstructor.isRunning()).isFalse();
        assertThat(privateFromConstructor).isNotSameAs(privateFromEarlierConstructor);
        assertThat(privateFromConstructor.isRunning()).isTrue();
    }

    @Test
    @Order(5)
    void sharedClusterIsInjected(RedisCluster cluster, RedisCluster again) {
        assertThat(cluster).isSameAs(again);
        assertThat(cluster.nodes()).hasSize(RedisExtension.SHARED_CLUSTER_MASTERS);
        assertThat(cluster.nodes().get(0).execute("CLUSTER", "INFO")).contains("cluster_state:ok");
        assertThatThrownBy(cluster::close).isInstanceOf(IllegalStateException.class);
    }
}
