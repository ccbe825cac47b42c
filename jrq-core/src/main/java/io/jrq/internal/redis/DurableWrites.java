package io.jrq.internal.redis;

import io.jrq.Durability;
import io.jrq.JrqException;
import io.jrq.NotDurableException;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Writes that return only once Redis confirms them durable ({@code WAIT} for replicas,
 * {@code WAITAOF} for append-only file fsyncs). Both count only the writes of the connection they
 * run on and block it meanwhile, so each durable write borrows a connection of its own from a small
 * pool, never the client's shared one.
 */
public final class DurableWrites implements AutoCloseable {
    private static final int MAX_IDLE = 4;
    private static final ProtocolKeyword WAITAOF = new ProtocolKeyword() {
        private final byte[] bytes = "WAITAOF".getBytes(StandardCharsets.US_ASCII);

        @Override
        public byte[] getBytes() {
            return bytes;
        }

        @Override
        public String toString() {
            return "WAITAOF";
        }
    };

    private final Redis redis;
    private final ConcurrentLinkedDeque<DedicatedConnection> idle = new ConcurrentLinkedDeque<>();
    private volatile String serverVersion;
    private volatile boolean closed;

    /** @param redis the client whose connections are used */
    public DurableWrites(Redis redis) {
        this.redis = redis;
    }

    /**
     * Runs {@code write} on a connection of its own, then waits there for {@code durability}.
     *
     * @param queue the queue written to, for messages
     * @param key a key of the write (routes it in a cluster)
     * @param durability what to wait for
     * @param write sends the write on the given connection and returns the pending result
     * @param storedIds the ids of the jobs the result says were stored
     * @param writeFailed what to throw when the write fails (or its reply does not come): the write
     *     was sent, unlike when the connection cannot be had
     * @param <T> the write's result
     * @return the write's result, once confirmed
     * @throws NotDurableException when the write is stored but not confirmed in time
     * @throws JrqException before writing anything when the server cannot confirm this durability
     */
    public <T> T write(
            String queue,
            String key,
            Durability durability,
            Function<Commands, CompletableFuture<T>> write,
            Function<T, List<String>> storedIds,
            Function<RuntimeException, RuntimeException> writeFailed) {
        DedicatedConnection conn = borrow();
        boolean reusable = false;
        try {
            RedisAsyncCommands<String, String> on = conn.on(key);
            if (durability.localFsync()) {
                requireWaitAof(on);
            }
            T result;
            try {
                result = redis.await(write.apply(new Commands(on)));
            } catch (RuntimeException e) {
                throw writeFailed.apply(e);
            }
            confirm(on, queue, durability, storedIds.apply(result));
            reusable = true;
            return result;
        } finally {
            if (reusable) {
                giveBack(conn);
            } else {
                conn.close();
            }
        }
    }

    private void confirm(RedisAsyncCommands<String, String> on, String queue, Durability durability, List<String> ids) {
        long timeoutMs = durability.timeout().toMillis();
        CompletableFuture<?> reply;
        if (durability.localFsync()) {
            CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8)
                    .add(1)
                    .add(durability.replicas())
                    .add(timeoutMs);
            reply = on.dispatch(WAITAOF, new NestedMultiOutput<>(StringCodec.UTF8), args)
                    .toCompletableFuture();
        } else {
            reply = on.waitForReplication(durability.replicas(), timeoutMs).toCompletableFuture();
        }
        Object got;
        try {
            // WAIT answers by its own timeout; the command timeout on top covers a slow or frozen server.
            got = reply.get(timeoutMs + redis.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notDurable(queue, ids, durability, -1, false, "the wait was interrupted", e);
        } catch (TimeoutException e) {
            throw notDurable(
                    queue,
                    ids,
                    durability,
                    -1,
                    false,
                    "Redis did not answer " + command(durability) + " within "
                            + Duration.ofMillis(timeoutMs + redis.timeout().toMillis()),
                    e);
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            // A cancellation comes from a cluster: Lettuce cancels what waits on the connection of a
            // node that left the topology (a failed primary once its replica took over). Either way
            // the write is stored, unconfirmed.
            RuntimeException why = redis.translate(e instanceof ExecutionException ? e.getCause() : e);
            throw notDurable(
                    queue, ids, durability, -1, false, command(durability) + " failed: " + why.getMessage(), why);
        }
        int replicas;
        boolean local;
        if (durability.localFsync()) {
            List<?> pair = (List<?>) got;
            local = ((Number) pair.get(0)).longValue() >= 1;
            replicas = ((Number) pair.get(1)).intValue();
        } else {
            local = false;
            replicas = ((Number) got).intValue();
        }
        if (replicas < durability.replicas() || (durability.localFsync() && !local)) {
            String what = durability.localFsync()
                    ? (local
                                    ? "the primary fsynced its append-only file"
                                    : "the primary did not fsync its append-only file")
                            + " and " + replicas + " of " + durability.replicas() + " replica(s) fsynced theirs"
                    : replicas + " of " + durability.replicas() + " replica(s) acknowledged the write";
            throw notDurable(queue, ids, durability, replicas, local, what + " within " + durability.timeout(), null);
        }
    }

    private NotDurableException notDurable(
            String queue,
            List<String> ids,
            Durability durability,
            int replicas,
            boolean local,
            String what,
            Throwable cause) {
        String jobs = ids.size() == 1 ? "job " + ids.get(0) : ids.size() + " jobs (first " + ids.get(0) + ")";
        return new NotDurableException(
                jobs + " IS stored in queue " + queue + " and will run, but is not confirmed durable: "
                        + command(durability) + " asked for " + durability + ", and " + what
                        + ". Do not enqueue it again (that would create a duplicate); check it by id if needed.",
                queue,
                ids,
                replicas,
                local,
                cause);
    }

    private static String command(Durability durability) {
        return durability.localFsync() ? "WAITAOF" : "WAIT";
    }

    /** WAITAOF came with Redis 7.2; an older server would refuse it only after the job is stored. */
    private void requireWaitAof(RedisAsyncCommands<String, String> on) {
        String version = serverVersion;
        if (version == null) {
            String info = redis.await(on.info("server").toCompletableFuture());
            version = "unknown";
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    version = line.substring("redis_version:".length()).trim();
                }
            }
            serverVersion = version;
        }
        if (!atLeast(version, 7, 2)) {
            throw new JrqException("Durability.appendFsync needs WAITAOF, which Redis 7.2 added, but Redis at "
                    + redis.endpoint().describe() + " is version " + version + "; nothing was enqueued. Use"
                    + " Durability.replicas(...) (WAIT), or upgrade Redis");
        }
    }

    static boolean atLeast(String version, int major, int minor) {
        String[] parts = version.split("\\.");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private DedicatedConnection borrow() {
        DedicatedConnection c;
        while ((c = idle.pollFirst()) != null) {
            if (c.isOpen()) {
                return c;
            }
            c.close();
        }
        return redis.openDedicated();
    }

    private void giveBack(DedicatedConnection c) {
        if (closed || idle.size() >= MAX_IDLE) {
            c.close();
            return;
        }
        idle.addFirst(c);
        if (closed && idle.remove(c)) {
            c.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        List<DedicatedConnection> all = new ArrayList<>();
        DedicatedConnection c;
        while ((c = idle.pollFirst()) != null) {
            all.add(c);
        }
        all.forEach(DedicatedConnection::close);
    }
}
