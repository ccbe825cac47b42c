package io.jrq.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Python client ships copies of the jar's assembled scripts (clients/python/src/jrq/lua); they
 * must be the jar's byte for byte, or Python would store jobs another way than Java does.
 */
class PythonScriptsTest {
    @Test
    void theVendoredScriptsAreTheJarsOwn() throws IOException {
        Path dir = Vectors.root().resolve("clients/python/src/jrq/lua");
        for (String name : List.of("enqueue.lua", "depend.lua", "release.lua", "cancel.lua")) {
            String copy = Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
            assertThat(copy)
                    .as(name
                            + " differs from the jar's: cp jrq-core/target/classes/io/jrq/lua/{enqueue,depend,release,cancel}.lua"
                            + " clients/python/src/jrq/lua/")
                    .isEqualTo(Vectors.script(name));
        }
    }
}
