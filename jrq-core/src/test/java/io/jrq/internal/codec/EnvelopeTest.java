package io.jrq.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.jrq.InvalidPayloadException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The envelope read back exactly as written, and every malformed payload refused with a message saying what is wrong. */
class EnvelopeTest {
    @Test
    void readsBackEveryFieldItWrote() throws Exception {
        ArrayNode args = Json.mapper()
                .createArrayNode()
                .add(7)
                .add("x")
                .add(Json.mapper().createObjectNode().put("k", 1));
        RetrySpec retry = RetrySpec.fromJson(Json.mapper()
                .createObjectNode()
                .put("max", 4)
                .put("backoff", "FIXED")
                .put("base", 250));
        Envelope e = new Envelope(
                "id-1",
                "com.example.Jobs::run",
                args,
                List.of("int", "java.lang.String", "java.util.Map"),
                "a job",
                Map.of("tenant", "acme"),
                42,
                retry,
                3000,
                List.of("q/dep-1"),
                Map.of("success", "com.example.Cb::done"));
        // The id is the job hash's key, so the stored envelope leaves it out.
        assertThat(Json.mapper().readTree(e.toJson()).has("id")).isFalse();
        Envelope back = Envelope.parse(e.toJson());
        assertThat(back.id()).isNull();
        assertThat(back.fn()).isEqualTo("com.example.Jobs::run");
        assertThat(back.args()).isEqualTo(args);
        assertThat(back.params()).containsExactly("int", "java.lang.String", "java.util.Map");
        assertThat(back.description()).isEqualTo("a job");
        assertThat(back.meta()).containsExactly(Map.entry("tenant", "acme"));
        assertThat(back.resultTtlSeconds()).isEqualTo(42);
        assertThat(back.retry()).isEqualTo(retry);
        assertThat(back.timeoutMs()).isEqualTo(3000);
        assertThat(back.deps()).containsExactly("q/dep-1");
        assertThat(back.callbacks()).containsExactly(Map.entry("success", "com.example.Cb::done"));
    }

    @Test
    void leavesOutWhatIsNotSetAndSkipsUnknownFields() {
        Envelope e = Envelope.parse(
                "{\"v\":1,\"fn\":\"send\",\"future\":{\"a\":[1,{\"b\":null}]},\"args\":null,\"id\":null}");
        assertThat(e.fn()).isEqualTo("send");
        assertThat(e.id()).isNull();
        assertThat(e.args()).isEmpty();
        assertThat(e.params()).isEmpty();
        assertThat(e.meta()).isEmpty();
        assertThat(e.resultTtlSeconds()).isEqualTo(-1);
        assertThat(e.retry()).isNull();
        assertThat(e.timeoutMs()).isEqualTo(-1);
        assertThat(e.deps()).isEmpty();
        assertThat(e.callbacks()).isEmpty();
        assertThat(Envelope.parse("{\"v\":1,\"fn\":\"a\",\"fn\":\"b\"}").fn()).isEqualTo("b");
    }

    @Test
    void refusesMalformedPayloadsSayingWhy() {
        assertRefused(null, "job has no payload");
        assertRefused("", "payload must be a JSON object");
        assertRefused("[1]", "payload must be a JSON object");
        assertRefused("null", "payload must be a JSON object");
        assertRefused("{\"v\":1,\"fn\":", "payload is not valid JSON");
        assertRefused("{\"fn\":\"x\"}", "unsupported payload version null");
        assertRefused("{\"v\":2,\"fn\":\"x\"}", "unsupported payload version 2");
        assertRefused("{\"v\":\"1\",\"fn\":\"x\"}", "unsupported payload version \"1\"");
        assertRefused("{\"v\":1}", "payload has no 'fn'");
        assertRefused("{\"v\":1,\"fn\":{\"a\":1}}", "payload field 'fn' must be a string");
        assertRefused("{\"v\":1,\"fn\":\"x\",\"id\":5}", "payload field 'id' must be a string");
        assertRefused("{\"v\":1,\"fn\":\"x\",\"desc\":[]}", "payload field 'desc' must be a string");
        assertRefused("{\"v\":1,\"fn\":\"x\",\"args\":{}}", "payload field 'args' must be a JSON array");
        assertRefused(
                "{\"v\":1,\"fn\":\"x\",\"params\":[1]}", "payload field 'params' must be an array of class names");
        assertRefused("{\"v\":1,\"fn\":\"x\",\"meta\":[]}", "payload field 'meta' must be an object of strings");
    }

    private static void assertRefused(String payload, String message) {
        assertThatThrownBy(() -> Envelope.parse(payload))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining(message);
    }
}
