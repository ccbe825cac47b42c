package io.jrq.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The envelope's {@code trace} field: written only when there is one, read back, and bounded both ways. */
class EnvelopeTraceTest {
    private static final String PARENT = "00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01";

    private static Envelope plain() {
        return new Envelope(
                "id-1",
                "send",
                Json.mapper().createArrayNode().add(1),
                List.of(),
                null,
                Map.of(),
                60,
                null,
                -1,
                List.of(),
                Map.of());
    }

    @Test
    void anEmptyTraceIsNotWrittenAndAGivenOneReadsBack() {
        assertThat(plain().toJson()).doesNotContain("trace");
        assertThat(plain().withTrace(Map.of()).toJson()).isEqualTo(plain().toJson());
        Envelope traced = plain().withTrace(Map.of("traceparent", PARENT));
        assertThat(traced.toJson()).endsWith(",\"trace\":{\"traceparent\":\"" + PARENT + "\"}}");
        assertThat(Envelope.parse(traced.toJson()).trace()).containsExactly(Map.entry("traceparent", PARENT));
        assertThat(Envelope.parse(plain().toJson()).trace()).isEmpty();
    }

    @Test
    void fieldsPastTheBoundsAreLeftOutWhenWrittenAndWhenRead() {
        Map<String, String> many = new LinkedHashMap<>();
        many.put("long", "x".repeat(Envelope.MAX_TRACE_CHARS + 1));
        many.put("n".repeat(65), "v");
        for (int i = 0; i < 10; i++) {
            many.put("f" + i, "v" + i);
        }
        Map<String, String> kept = plain().withTrace(many).trace();
        assertThat(kept)
                .hasSize(Envelope.MAX_TRACE_FIELDS)
                .doesNotContainKeys("long", "n".repeat(65))
                .containsKey("f0")
                .doesNotContainKey("f8");

        String hostile = "{\"v\":1,\"fn\":\"send\",\"trace\":{\"a\":1,\"b\":{\"c\":\"d\"},\"e\":null,\"long\":\""
                + "x".repeat(600) + "\",\"traceparent\":\"" + PARENT + "\"}}";
        assertThat(Envelope.parse(hostile).trace()).containsExactly(Map.entry("traceparent", PARENT));
        for (String notAnObject : List.of("[\"" + PARENT + "\"]", "\"" + PARENT + "\"", "17", "null", "true")) {
            assertThat(Envelope.parse("{\"v\":1,\"fn\":\"send\",\"trace\":" + notAnObject + "}")
                            .trace())
                    .as(notAnObject)
                    .isEmpty();
        }
    }
}
