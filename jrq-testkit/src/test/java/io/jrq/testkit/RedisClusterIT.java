package io.jrq.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RedisClusterIT {

    @Test
    void threeMastersServeKeysAcrossAllSlots() {
        try (RedisCluster cluster = RedisCluster.start(3)) {
            List<RedisServer> nodes = cluster.nodes();
            assertThat(nodes).hasSize(3);
            assertThat(cluster.url())
                    .isEqualTo("redis-cluster://"
                            + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(",")));
            assertThat(cluster.seedUrls())
                    .containsExactlyElementsOf(
                            nodes.stream().map(RedisServer::url).collect(Collectors.toList()));
            for (RedisServer node : nodes) {
                assertThat(node.execute("CLUSTER", "INFO"))
                        .contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:3");
            }

            List<RedisURI> seeds =
                    cluster.seedUrls().stream().map(RedisURI::create).collect(Collectors.toList());
            RedisClusterClient client = RedisClusterClient.create(seeds);
            try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
                RedisAdvancedClusterCommands<String, String> commands = connection.sync();
                for (int i = 0; i < 200; i++) {
                    commands.set("key-" + i, "value-" + i);
                }
                for (int i = 0; i < 200; i++) {
                    assertThat(commands.get("key-" + i)).isEqualTo("value-" + i);
                }
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            for (RedisServer node : nodes) {
                assertThat(Long.parseLong(node.execute("DBSIZE")))
                        .as("keys on %s", node)
                        .isPositive();
            }
        }
        // nothing to assert after close beyond not throwing
    }

    @Test
    void singleMasterClusterOwnsEverySlot() {
        try (RedisCluster cluster = RedisCluster.start(1)) {
            assertThat(cluster.nodes().get(0).execute("CLUSTER", "INFO")).contains("cluster_state:ok");
        }
    }
}
