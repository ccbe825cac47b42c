package io.jrq.internal.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jrq's Lua scripts, each loaded once from {@code io/jrq/lua/<name>.lua} with its SHA-1. A line
 * {@code -- @include <lib>} is replaced by {@code io/jrq/lua/lib/<lib>.lua}, so shared helpers are
 * written once and still sent to Redis as one self-contained script. A library may include others
 * the same way; each library is pasted once per script, where it is first included, so a library
 * names what it needs and a script need not know the order.
 *
 * <p>The build runs {@link #main} to write every script with its includes resolved over the copy
 * in the jar, so producers in other languages send any script of the jar as it is, and its SHA-1 is
 * the one this client uses (docs/PROTOCOL.md, "Scripts").
 */
public enum Script {
    /** Store jobs and push them onto a ready list. */
    ENQUEUE("enqueue"),
    /** Complete finished jobs and lease the next ones. */
    FETCH("fetch"),
    /** Renew a worker's leases. */
    RENEW("renew"),
    /** Return jobs with expired leases to their queue. */
    REAP("reap"),
    /** Give leased jobs back on shutdown. */
    REQUEUE("requeue"),
    /** Cancel a job that has not started, or flag a running one to stop. */
    CANCEL("cancel"),
    /** Put ended jobs back on their queue (operators). */
    RETRY_NOW("retry-now"),
    /** Delete jobs that are not running (operators). */
    DELETE("delete"),
    /** Delete a batch of queued jobs (operators). */
    EMPTY("empty"),
    /** Register a dependent with the jobs it waits for. */
    DEPEND("depend"),
    /** Tell dependents that a job they wait for has ended. */
    RELEASE("release"),
    /** Create or update a recurring job. */
    RECURRING_UPSERT("recurring-upsert"),
    /** Delete a recurring job. */
    RECURRING_DELETE("recurring-delete"),
    /** Read the recurring jobs that are due, with the Redis time. */
    RECURRING_DUE("recurring-due"),
    /** Take one tick of a recurring job: enqueue its run and move its due time, once. */
    TICK("tick"),
    /** Mark the start of a run for a job that lost a lease before. */
    START("start"),
    /** Return at once the jobs of a worker whose connections are gone. */
    RECOVER("recover"),
    /** Return the jobs leased to this worker by a fetch whose reply it never read. */
    UNCLAIMED("unclaimed"),
    /** Move one scheduled job to the front of its queue (operators). */
    RUN_NOW("run-now"),
    /** Enqueue one run of a recurring job now, leaving its schedule alone (operators). */
    RECURRING_TRIGGER("recurring-trigger"),
    /** Change a queue's partitions, as a compare-and-set (operators). */
    PARTITIONS("partitions");

    private final String body;
    private final String sha;

    private final String file;

    Script(String file) {
        this.file = file;
        this.body = assemble(file, path -> read("/io/jrq/lua/" + path));
        try {
            this.sha = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Holds the pattern outside the enum: enum constants are built before the enum's own statics. */
    private static final class Include {
        static final Pattern LINE = Pattern.compile("(?m)^-- @include ([a-z]+)$");
    }

    /**
     * The text sent to Redis for a script: its include lines replaced, each library once, where it is
     * first included (a later include of it becomes an empty line); a library's own includes are
     * resolved the same way, before its text.
     *
     * @param name the script's file name without {@code .lua}
     * @param source reads a file by its path under {@code io/jrq/lua/} ({@code fetch.lua}, {@code lib/clock.lua})
     * @return the script with every include resolved
     */
    static String assemble(String name, UnaryOperator<String> source) {
        return resolve(source.apply(name + ".lua"), source, new HashSet<>(), name + ".lua");
    }

    private static String resolve(String text, UnaryOperator<String> source, Set<String> pasted, String from) {
        Matcher m = Include.LINE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String lib = m.group(1);
            String pastedText = "";
            if (pasted.add(lib)) {
                String libText = source.apply("lib/" + lib + ".lua");
                if (libText == null) {
                    throw new IllegalStateException(
                            from + " includes " + lib + ", but there is no lib/" + lib + ".lua");
                }
                pastedText = resolve(libText, source, pasted, "lib/" + lib + ".lua");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(pastedText));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Writes every script with its includes resolved (the build's step, over the copies in the jar).
     *
     * @param args the source directory holding the scripts and {@code lib/}, and the directory to
     *     write the assembled scripts to
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: Script <source dir> <output dir>");
        }
        Path from = Path.of(args[0]);
        Path to = Path.of(args[1]);
        Files.createDirectories(to);
        for (Script s : values()) {
            String text = assemble(s.file, path -> {
                Path p = from.resolve(path);
                try {
                    return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Files.writeString(to.resolve(s.file + ".lua"), text, StandardCharsets.UTF_8);
        }
    }

    private static String read(String path) {
        try (InputStream in = Script.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the script's source */
    public String body() {
        return body;
    }

    /** @return the SHA-1 Redis knows the script by */
    public String sha() {
        return sha;
    }
}
