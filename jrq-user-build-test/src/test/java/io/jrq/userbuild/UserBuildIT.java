package io.jrq.userbuild;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Builds src/test/user-project the way a user would, with the machine's Maven, and runs the jar it
 * makes against a Redis of our own. jrq's artifacts come from target/user-repo (put there by
 * invoker:install from this build); everything else from the outer build's local repository, read
 * as a file:// remote repository, with Maven offline: nothing is downloaded and ~/.m2 is not written.
 */
class UserBuildIT {
    private static final long BUILD_TIMEOUT_S = 180;
    private static final long RUN_TIMEOUT_S = 60;

    @Test
    void aPlainPomBuildsAndRunsAJob() throws Exception {
        Path work = Paths.get(prop("user.work"));
        Path project = work.resolve("project");
        deleteRecursively(work);
        copyFiltered(Paths.get(prop("user.project")), project);
        // mvn takes the nearest directory holding .mvn as the project's root, and would otherwise find this
        // repository's, if it ever has one: the user's project is a project of its own.
        Files.createDirectories(project.resolve(".mvn"));
        Path settings = work.resolve("settings.xml");
        Files.writeString(settings, settings(Paths.get(prop("outer.repo"))));

        String version = prop("jrq.version");
        Path repo = Paths.get(prop("user.repo"));
        assertThat(repo.resolve("io/jrq/jrq-core/" + version + "/jrq-core-" + version + ".jar"))
            .as("invoker:install put this build's jrq-core in the private repository").exists();
        assertThat(Files.readString(repo.resolve("io/jrq/jrq-bom/" + version + "/jrq-bom-" + version + ".pom")))
            .as("the installed BOM is flattened: importing it manages jrq's modules only")
            .doesNotContain("<parent>")
            .doesNotContain("jackson")
            .contains("<artifactId>jrq-dashboard</artifactId>");

        // A failed look-up from an earlier run would be remembered and not tried again.
        try (Stream<Path> files = Files.walk(repo)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().endsWith(".lastUpdated")) {
                    Files.delete(f);
                }
            }
        }

        Path mvn = Paths.get(prop("maven.home"), "bin", "mvn");
        List<String> build = List.of(mvn.toString(), "-B", "-o", "-s", settings.toString(),
            "-Dmaven.repo.local=" + repo,
            // Offline, Maven would refuse even a file:// repository without this.
            "-Daether.offline.protocols=file",
            "package");
        Result built = run(build, project, work.resolve("build.log"), BUILD_TIMEOUT_S);
        assertThat(built.exit).as("user build failed:\n%s", built.output).isZero();
        assertThat(built.output).contains("BUILD SUCCESS");

        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        try (RedisServer redis = RedisServer.start()) {
            List<String> app = List.of(java.toString(), "-jar", project.resolve("target/app.jar").toString(), redis.url());
            Result ran = run(app, project, work.resolve("run.log"), RUN_TIMEOUT_S);
            assertThat(ran.exit).as("the user's program failed:\n%s", ran.output).isZero();
            assertThat(ran.output)
                .as("the job's result is printed")
                .contains("result: Hello, jrq")
                .as("with slf4j-simple on the classpath, jrq's INFO lines are logged")
                .containsPattern("INFO io\\.jrq\\.\\S+ - worker \\S+ started: queues \\[default\\]")
                .as("and SLF4J found its binding")
                .doesNotContain("No SLF4J providers")
                .doesNotContain("SLF4J(W)");
        }
    }

    private static String settings(Path outerRepo) {
        // Every repository, plugins' too, goes to the outer build's local repository.
        return """
            <settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
              <mirrors>
                <mirror>
                  <id>outer-local-repository</id>
                  <mirrorOf>*</mirrorOf>
                  <url>%s</url>
                </mirror>
              </mirrors>
            </settings>
            """.formatted(outerRepo.toUri());
    }

    private static void copyFiltered(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    String text = Files.readString(f);
                    for (String key : List.of("jrq.version", "slf4j.version", "user.compiler.version",
                        "user.resources.version", "user.surefire.version", "user.jar.version", "user.shade.version")) {
                        text = text.replace("@" + key + "@", prop(key));
                    }
                    Files.writeString(target, text);
                }
            }
        }
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command, Path dir, Path log, long timeoutS) throws Exception {
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            throw new AssertionError("timed out after " + timeoutS + " s: " + String.join(" ", command)
                + "\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static String prop(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set (run through Maven: mvn verify)");
        }
        return v;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
