package io.jrq.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The loader of the Lua scripts: includes, nested and once each, and the assembled copies the build ships. */
class ScriptTest {
    private static final Path SOURCES =
            Path.of(System.getProperty("basedir", ".")).resolve("src/main/resources/io/jrq/lua");

    @Test
    void anIncludeLineIsReplacedByTheLibrary() {
        Map<String, String> files = Map.of(
                "s.lua", "-- s\n-- @include a\nreturn f()\n",
                "lib/a.lua", "local function f() return 1 end\n");
        assertThat(Script.assemble("s", files::get)).isEqualTo("-- s\nlocal function f() return 1 end\n\nreturn f()\n");
    }

    @Test
    void aLibraryIsPastedOnceWhereItIsFirstIncludedAndBeforeTheLibrariesThatIncludeIt() {
        Map<String, String> files = Map.of(
                "s.lua", "-- @include b\n-- @include a\n-- @include b\nbody\n",
                "lib/a.lua", "A\n",
                "lib/b.lua", "-- @include a\nB\n");
        assertThat(Script.assemble("s", files::get)).isEqualTo("A\n\nB\n\n\n\nbody\n");
    }

    @Test
    void onlyAWholeLineIsAnInclude() {
        Map<String, String> files =
                Map.of("s.lua", "x = 1 -- @include a\n  -- @include a\n-- pasted where it says \"-- @include a\"\n");
        assertThat(Script.assemble("s", files::get)).isEqualTo(files.get("s.lua"));
    }

    @Test
    void aMissingLibraryIsNamed() {
        Map<String, String> files = Map.of("s.lua", "-- @include nope\n");
        assertThatThrownBy(() -> Script.assemble("s", files::get)).hasMessageContaining("s.lua includes nope");
    }

    @Test
    void everyScriptIsSentWithItsIncludesResolved() {
        for (Script s : Script.values()) {
            assertThat(s.body()).as(s.name()).doesNotContainPattern("(?m)^-- @include ");
            assertThat(s.sha()).matches("[0-9a-f]{40}");
        }
    }

    /** The build writes the assembled scripts over the copies on the class path (and in the jar). */
    @Test
    void theScriptsOnTheClassPathAreTheAssembledOnes() throws IOException {
        for (Script s : Script.values()) {
            try (InputStream in = Script.class.getResourceAsStream("/io/jrq/lua/" + file(s) + ".lua")) {
                assertThat(in).as(s.name()).isNotNull();
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .as(file(s))
                        .isEqualTo(s.body());
            }
        }
    }

    /** Each library's header says which scripts use it, directly or through another library: kept true here. */
    @Test
    void everyLibraryNamesTheScriptsThatUseIt() throws IOException {
        Map<String, Set<String>> users = new TreeMap<>();
        try (Stream<Path> libs = Files.list(SOURCES.resolve("lib"))) {
            libs.forEach(p -> users.put(p.getFileName().toString().replace(".lua", ""), new TreeSet<>()));
        }
        for (Script s : Script.values()) {
            Script.assemble(file(s), path -> {
                if (path.startsWith("lib/")) {
                    users.get(path.substring(4, path.length() - 4)).add(file(s) + ".lua");
                }
                return source(path);
            });
        }
        for (Map.Entry<String, Set<String>> lib : users.entrySet()) {
            assertThat(lib.getValue())
                    .as("scripts using lib/%s.lua", lib.getKey())
                    .isNotEmpty();
            assertThat(usedBy(source("lib/" + lib.getKey() + ".lua")))
                    .as("the 'Used by:' line of lib/%s.lua", lib.getKey())
                    .isEqualTo(lib.getValue());
        }
    }

    /** @return the script names of a library header's "-- Used by:" paragraph (continued on "--   " lines) */
    private static Set<String> usedBy(String lib) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String line : lib.lines().toList()) {
            if (line.startsWith("-- Used by:")) {
                in = true;
            } else if (!line.startsWith("--   ")) {
                in = false;
            }
            if (in) {
                lines.add(line);
            }
        }
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("[a-z-]+\\.lua").matcher(String.join("\n", lines));
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    private static String file(Script s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String source(String path) {
        try {
            Path p = SOURCES.resolve(path);
            return Files.exists(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
