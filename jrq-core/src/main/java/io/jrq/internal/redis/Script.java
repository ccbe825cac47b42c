package io.jrq.internal.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * jrq's Lua scripts, each loaded once from {@code io/jrq/lua/<name>.lua} with its SHA-1. A line
 * {@code -- @include <lib>} is replaced by {@code io/jrq/lua/lib/<lib>.lua}, so shared helpers are
 * written once and still sent to Redis as one self-contained script.
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
    RECURRING_TRIGGER("recurring-trigger");

    private final String body;
    private final String sha;

    Script(String name) {
        try {
            this.body = Include.LINE.matcher(read("/io/jrq/lua/" + name + ".lua"))
                    .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(read("/io/jrq/lua/lib/" + m.group(1) + ".lua")));
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Holds the pattern outside the enum: enum constants are built before the enum's own statics. */
    private static final class Include {
        static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile("(?m)^-- @include ([a-z]+)$");
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
