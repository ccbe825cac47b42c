package io.jrq.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.internal.Keys;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The routing rule every producer must compute alike (docs/PROTOCOL.md, "Partitioned queues"): the
 * same routing keys and expected indexes are in the Python and Node clients' tests.
 */
class PartitionRouterTest {
    @Test
    void aRoutingKeyGoesWhereItsCrc32Says() {
        assertThat(PartitionRouter.index("customer-7", 4)).isZero();
        assertThat(PartitionRouter.index("customer-7", 6)).isEqualTo(2);
        assertThat(PartitionRouter.index("report-42", 4)).isEqualTo(2);
        assertThat(PartitionRouter.index("8WoY1RYdmPAtyvjs", 6)).isEqualTo(1);
        // UTF-8 bytes, not UTF-16 chars: a surrogate pair hashes as its four bytes.
        assertThat(PartitionRouter.index("\u00e9\u20ac\ud834\udd1e", 4)).isEqualTo(2);
        assertThat(PartitionRouter.pick(List.of("q", "q~1", "q~2", "q~3"), "report-42"))
                .isEqualTo("q~2");
        assertThat(PartitionRouter.pick(List.of("q"), "anything")).isEqualTo("q");
    }

    @Test
    void partitionNamesAreOnlyJrqsOwn() {
        assertThat(Keys.isPartitionName("emails~3")).isTrue();
        assertThat(Keys.isPartitionName("emails~999999")).isTrue();
        for (String bad : new String[] {
            "emails",
            "emails~0",
            "emails~01",
            "emails~",
            "~3",
            "emails~1000000",
            "emails~3a",
            "bad name~3",
            "emails~\u0663"
        }) {
            assertThat(Keys.isPartitionName(bad)).as(bad).isFalse();
        }
        assertThat(Keys.queueOf("emails~3")).isEqualTo("emails");
        assertThat(Keys.queueOf("emails")).isEqualTo("emails");
        assertThat(Keys.partitionName("emails", 7)).isEqualTo("emails~7");
    }
}
