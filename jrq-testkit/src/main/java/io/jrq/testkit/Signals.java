package io.jrq.testkit;

import io.jrq.redisserver.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * STOP and CONT signals, which the JDK cannot send; only the kit's pause and resume need them, so
 * they stay here rather than in jrq-redis-server.
 */
final class Signals {

    private Signals() {}

    /**
     * Sends a signal by name through the shell's builtin {@code kill}, because Java can only send
     * TERM and KILL and the shell builtin does not depend on procps being installed.
     */
    static void signal(long pid, String signal) {
        ProcessBuilder builder =
                new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + pid).redirectErrorStream(true);
        try {
            Process process = Processes.start(builder);
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + pid + " did not finish in 10 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run /bin/sh to send SIG" + signal + " to " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal, e);
        }
    }

    /**
     * Waits until the kernel reports the process as stopped (or running again), so that a test
     * which pauses a server and immediately sends a command really observes a paused server.
     * Only Linux exposes this cheaply; elsewhere the signal is assumed to be delivered.
     */
    static void awaitStopped(long pid, boolean stopped) {
        Path stat = Paths.get("/proc", Long.toString(pid), "stat");
        if (!Files.isReadable(stat)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            try {
                String content = Files.readString(stat);
                // The state follows the command name, which is in parentheses and may contain spaces.
                String afterName = content.substring(content.lastIndexOf(')') + 2);
                char state = afterName.charAt(0);
                boolean isStopped = state == 'T' || state == 't';
                if (isStopped == stopped) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                return;
            }
            Processes.sleep(5);
        }
    }
}
