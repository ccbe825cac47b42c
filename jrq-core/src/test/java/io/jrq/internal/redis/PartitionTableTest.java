package io.jrq.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.QueueLimits;
import io.jrq.internal.Keys;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The routing rule every producer must compute alike (docs/PROTOCOL.md, "Partitioned queues"): the
 * same routing keys and expected indexes are in the Python and Node clients' tests.
 */
class PartitionTableTest {
    @Test
    void aRoutingKeyGoesWhereItsCrc32Says() {
        assertThat(PartitionTable.index("customer-7", 4)).isZero();
        assertThat(PartitionTable.index("customer-7", 6)).isEqualTo(2);
        assertThat(PartitionTable.index("report-42", 4)).isEqualTo(2);
        assertThat(PartitionTable.index("8WoY1RYdmPAtyvjs", 6)).isEqualTo(1);
        // UTF-8 bytes, not UTF-16 chars: a surrogate pair hashes as its four bytes.
        assertThat(PartitionTable.index("\u00e9\u20ac\ud834\udd1e", 4)).isEqualTo(2);
        PartitionTable four = new PartitionTable("q", 4, List.of("q", "q~1", "q~2", "q~3"), 0, QueueLimits.NONE, "");
        assertThat(four.route("report-42")).isEqualTo("q~2");
        assertThat(PartitionTable.single("q").route("anything")).isEqualTo("q");
        // A lookup by id tries the partition the id routes to first.
        assertThat(four.searchOrder("report-42")).containsExactly("q~2", "q", "q~1", "q~3");
        assertThat(four.searchOrder(null)).containsExactly("q", "q~1", "q~2", "q~3");
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
