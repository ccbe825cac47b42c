package io.jrq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void printableAsciiIsKeptAsItIs() {
        String s = "jrq:{q}:limits concurrency='x 1.5' [ok]";
        assertThat(LogText.printable(s)).isSameAs(s);
    }

    @Test
    void controlCharactersNulsAndNonAsciiAreEscapedOnOneLine() {
        assertThat(LogText.printable("a\u0000b")).isEqualTo("a\\u0000b");
        assertThat(LogText.printable("one\nWARN forged"))
                .isEqualTo("one\\u000aWARN forged")
                .doesNotContain("\n");
        assertThat(LogText.printable("\u001b[31mred")).isEqualTo("\\u001b[31mred");
        assertThat(LogText.printable("\u0a2d\u9846")).isEqualTo("\\u0a2d\\u9846");
    }

    @Test
    void theBackslashIsDoubledSoEscapesStayUnambiguous() {
        assertThat(LogText.printable("\\u0000")).isEqualTo("\\\\u0000");
        assertThat(LogText.printable(null)).isEqualTo("null");
    }
}
