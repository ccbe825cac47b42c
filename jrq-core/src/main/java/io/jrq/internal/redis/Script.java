package io.jrq.internal.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** jrq's Lua scripts, each loaded once from {@code io/jrq/lua/<name>.lua} with its SHA-1. */
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
    /** Create or update a recurring job. */
    RECURRING_UPSERT("recurring-upsert"),
    /** Delete a recurring job. */
    RECURRING_DELETE("recurring-delete"),
    /** Read the recurring jobs that are due, with the Redis time. */
    RECURRING_DUE("recurring-due"),
    /** Take one tick of a recurring job: enqueue its run and move its due time, once. */
    TICK("tick");

    private final String body;
    private final String sha;

    Script(String name) {
        String path = "/io/jrq/lua/" + name + ".lua";
        try (InputStream in = Script.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + path);
            }
            this.body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
