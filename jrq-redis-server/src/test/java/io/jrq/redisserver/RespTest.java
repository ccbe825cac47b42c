package io.jrq.redisserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RespTest {

    @Test
    void rendersRepliesAsText() {
        assertThat(Resp.render(null)).isNull();
        assertThat(Resp.render("OK")).isEqualTo("OK");
        assertThat(Resp.render(42L)).isEqualTo("42");
        assertThat(Resp.render(Arrays.asList("a", null, Arrays.asList("b", 1L))))
                .isEqualTo("a\n(nil)\nb\n1");
    }

    @Test
    void readsInfoFields() {
        String info = "# Server\r\nredis_version:7.0.15\r\nprocess_id:42\r\n";
        assertThat(Resp.infoField(info, "redis_version")).isEqualTo("7.0.15");
        assertThat(Resp.infoField(info, "process_id")).isEqualTo("42");
        assertThat(Resp.infoField(info, "missing")).isNull();
    }
}
