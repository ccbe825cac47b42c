package io.jrq.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Spring Boot integration is built on jrq's public API alone: no class of it refers to the
 * core's {@code io.jrq.internal} (its own {@code io.jrq.spring.internal} is a different package).
 * A class names every class it uses in its constant pool, in the internal form
 * {@code io/jrq/internal/...}, so reading the compiled classes finds any reference. A byte scan
 * rather than ArchUnit, which would bring its JUnit 5 engine beside Spring Boot's JUnit.
 */
class PublicApiOnlyTest {
    @Test
    void refersToNoInternalClassOfTheCore() throws URISyntaxException, IOException {
        Path classes = Path.of(JrqAutoConfiguration.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<Path> all;
        try (Stream<Path> files = Files.walk(classes)) {
            all = files.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertThat(all).as("the module's classes under %s", classes).hasSizeGreaterThan(10);
        assertThat(all.stream()
                        .filter(PublicApiOnlyTest::refersToCoreInternals)
                        .map(classes::relativize)
                        .map(Path::toString))
                .as("classes that refer to io.jrq.internal")
                .isEmpty();
    }

    private static boolean refersToCoreInternals(Path classFile) {
        try {
            // ASCII class names are the same bytes in the constant pool's modified UTF-8.
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1).contains("io/jrq/internal/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
