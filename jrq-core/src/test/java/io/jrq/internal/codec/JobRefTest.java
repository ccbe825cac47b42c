package io.jrq.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A reference written and read back as the scripts store it, split at the first slash because ids may hold one. */
class JobRefTest {
    @Test
    void writesQueueSlashIdAndReadsItBack() {
        assertThat(new JobRef("mail", "a1").toString()).isEqualTo("mail/a1");
        assertThat(JobRef.parse("mail/a1")).isEqualTo(new JobRef("mail", "a1"));
        assertThat(JobRef.parse("mail/report/2024/01")).isEqualTo(new JobRef("mail", "report/2024/01"));
        assertThat(JobRef.parse(new JobRef("q.1", "x/y").toString())).isEqualTo(new JobRef("q.1", "x/y"));
    }

    @Test
    void refusesAReferenceWithoutAQueue() {
        for (String bad : new String[] {"no-slash", "/id", ""}) {
            assertThatThrownBy(() -> JobRef.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not a job reference (queue/id): '" + bad + "'");
        }
        assertThatThrownBy(() -> JobRef.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JobRef("q", null)).isInstanceOf(NullPointerException.class);
    }
}
