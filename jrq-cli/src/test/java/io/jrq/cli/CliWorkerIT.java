package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.demo.DemoJobs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** {@code jrq worker}, run as a process. */
class CliWorkerIT extends CliSupport {
    @Test
    void runsJobClassesFromExtraJarsInTheAllowedPackages() throws IOException {
        Path jar = compileJar("com.example.jobs.Greeter", """
                package com.example.jobs;
                public class Greeter {
                    public static String greet(String name) { return "Hello, " + name + " from a jar"; }
                }
                """);
        Job<Object> greet = jrq.queue(queue).enqueue("placeholder-for-order");
        String id = cli.run("enqueue", "-q", queue, "com.example.jobs.Greeter::greet", "Ann")
                .out()
                .strip();
        Job<Long> demo = jrq.queue(queue).enqueue(DemoJobs::noop, 5L);

        Cli.Result r = cli.run(
                "worker",
                "-q",
                queue + ",unused-" + queue,
                "--allow",
                "com.example.jobs,io.jrq.demo",
                "--classpath",
                jar.toString(),
                "--burst",
                "--name",
                "cli-test-" + queue);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .startsWith(
                        "worker cli-test-" + queue + " started: queues " + queue + ",unused-" + queue
                                + ", concurrency 10, allowed packages com.example.jobs,io.jrq.demo; stops when the queues are empty\n");
        assertThat(r.out()).containsPattern("worker cli-test-" + queue + " stopped after [\\d.]+ m?s: queues empty\n");
        assertThat(jrq.queue(queue).job(id).orElseThrow().await(Duration.ofSeconds(5)))
                .isEqualTo("Hello, Ann from a jar");
        assertThat(demo.await(Duration.ofSeconds(5))).isEqualTo(5L);
        // A handler name the command-line worker does not know fails the job, and the worker goes on.
        assertThat(greet.status()).isEqualTo(JobStatus.FAILED);
        assertThat(greet.error().orElseThrow().type()).isEqualTo("io.jrq.JobNotAllowedException");
    }

    @Test
    void sigtermStopsGracefullyAfterTheRunningJob() {
        Cli.Running worker = cli.start("worker", "-q", queue, "--allow", "io.jrq.demo");
        assertThat(worker.awaitOut("started", Cli.LIMIT)).as(worker.err()).isTrue();
        Job<Long> job = jrq.queue(queue).enqueue(DemoJobs::sleep, 1500L);
        assertThat(eventually(() -> job.status() == JobStatus.STARTED)).isTrue();

        worker.terminate();
        Cli.Result r = worker.await(Cli.LIMIT);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(143); // 128 + SIGTERM, as for any JVM
        assertThat(r.out()).contains("shutting down").containsPattern("stopped after [\\d.]+ m?s\n");
        assertThat(job.status())
                .as("the running job finished within the grace period")
                .isEqualTo(JobStatus.FINISHED);
        assertThat(jrq.admin().workers()).noneMatch(w -> w.queues().contains(queue));
    }

    @Test
    void badOptionsAreUsageErrorsAndUnreachableRedisExitsWith3() throws IOException {
        Cli.Result pkg = cli.run("worker", "-q", queue, "--allow", "com..bad", "--burst");
        Cli.Result cp = cli.run(
                "worker",
                "-q",
                queue,
                "--allow",
                "io.jrq.demo",
                "--classpath",
                tmp.resolve("missing.jar").toString());
        Cli.Result down = cli.run(
                java.util.Map.of("JRQ_REDIS_URL", nowhere()), null, "worker", "--allow", "io.jrq.demo", "--burst");

        assertThat(pkg.exitCode()).as(pkg.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(pkg.err()).contains("not a package name: 'com..bad'");
        assertThat(cp.exitCode()).as(cp.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(cp.err()).contains("--classpath: no such file or directory: ");
        assertThat(down.exitCode()).as(down.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
        assertThat(down.err()).startsWith("jrq: cannot connect to Redis at 127.0.0.1:");
    }

    /** Compiles one class and packs it in a jar, as an application's build would. */
    private Path compileJar(String className, String source) throws IOException {
        Path src = tmp.resolve("src");
        Path classes = tmp.resolve("classes");
        Path file = src.resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.createDirectories(classes);
        Files.writeString(file, source, StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK").isNotNull();
        assertThat(javac.run(null, null, null, "-d", classes.toString(), file.toString()))
                .isZero();
        Path jar = tmp.resolve("jobs.jar");
        String entry = className.replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry(entry));
            j.write(Files.readAllBytes(classes.resolve(entry)));
            j.closeEntry();
        }
        assertThat(List.of(jar)).allMatch(Files::isRegularFile);
        return jar;
    }
}
