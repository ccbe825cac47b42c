package io.jrq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoredNumbersTest {
    @Test
    void asciiWholeNumbersAreRead() {
        assertThat(StoredNumbers.parseLong("0")).isZero();
        assertThat(StoredNumbers.parseLong("-42")).isEqualTo(-42);
        assertThat(StoredNumbers.parseLong("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(StoredNumbers.parseInt("2147483647")).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void digitsOfOtherScriptsAreRefusedThoughLongParseLongTakesThem() {
        // Arabic-Indic zero and Devanagari 4 2: Long.parseLong reads 0 and 42.
        assertThat(Long.parseLong("\u0660")).isZero();
        assertThatThrownBy(() -> StoredNumbers.parseLong("\u0660"))
                .isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("\\u0660");
        assertThatThrownBy(() -> StoredNumbers.parseLong("\u096a\u0968")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void signsSpacesEmptyAndOverflowAreRefused() {
        for (String bad : new String[] {"", "-", "+1", " 1", "1 ", "1.5", "1e3", "99999999999999999999"}) {
            assertThatThrownBy(() -> StoredNumbers.parseLong(bad))
                    .as("'%s'", bad)
                    .isInstanceOf(NumberFormatException.class);
        }
        assertThatThrownBy(() -> StoredNumbers.parseInt("2147483648")).isInstanceOf(NumberFormatException.class);
    }
}
