package io.jrq.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultPointsTest {
    @Test
    void offUnlessThePropertyIsSet() {
        assertThat(System.getProperty(FaultPoints.PROPERTY)).isNull();
        assertThat(FaultPoints.ENABLED).isFalse();
        // Not armed: reaching a point does nothing, whatever its name.
        FaultPoints.reach(FaultPoints.FETCH_AFTER_REPLY);
    }

    @Test
    void readsPointsWithTheirProbabilities() {
        assertThat(FaultPoints.parse("fetch.afterReply:0.05, renew.beforeSend:0.1,job.afterRun"))
                .isEqualTo(Map.of("fetch.afterReply", 0.05, "renew.beforeSend", 0.1, "job.afterRun", 1.0));
        assertThat(FaultPoints.parse("")).isEmpty();
    }

    @Test
    void rejectsUnknownPointsAndBadProbabilities() {
        assertThatThrownBy(() -> FaultPoints.parse("fetch.afterReplay:0.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown fault point 'fetch.afterReplay'");
        assertThatThrownBy(() -> FaultPoints.parse("fetch.afterReply:often"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a probability");
        assertThatThrownBy(() -> FaultPoints.parse("fetch.afterReply:1.5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be in [0, 1]");
    }
}
