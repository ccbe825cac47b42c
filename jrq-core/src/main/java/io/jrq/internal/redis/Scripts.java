package io.jrq.internal.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs jrq's scripts with {@code EVALSHA}; when the server does not know a script (first use, or
 * after a restart or failover emptied its script cache) it sends it once with {@code EVAL}, which
 * also caches it. Routing in a cluster follows the first key, which carries the queue's hash tag;
 * a call refused with {@code TRYAGAIN} while that slot migrates is sent again after a short pause.
 */
public final class Scripts {
    /** First pause before a call refused with TRYAGAIN is sent again; doubled per refusal up to the maximum. */
    private static final long TRY_AGAIN_FIRST_MS = 5;

    private static final long TRY_AGAIN_MAX_MS = 50;

    private final Redis redis;

    /** @param redis the connection to run scripts on */
    public Scripts(Redis redis) {
        this.redis = redis;
    }

    /**
     * @param script the script
     * @param type the reply's shape
     * @param keys KEYS
     * @param args ARGV
     * @param <T> the reply type for {@code type}
     * @return the pending reply; failures are translated to jrq exceptions
     */
    public <T> CompletableFuture<T> run(Script script, ScriptOutputType type, String[] keys, String... args) {
        return run(redis.async(), script, type, keys, args);
    }

    /**
     * Like {@link #run(Script, ScriptOutputType, String[], String...)} on a connection of the caller's.
     *
     * @param on the commands of the connection to run the script on
     * @param script the script
     * @param type the reply's shape
     * @param keys KEYS
     * @param args ARGV
     * @param <T> the reply type for {@code type}
     * @return the pending reply; failures are translated to jrq exceptions
     */
    public <T> CompletableFuture<T> run(
            RedisClusterAsyncCommands<String, String> on,
            Script script,
            ScriptOutputType type,
            String[] keys,
            String... args) {
        CompletableFuture<T> reply = new CompletableFuture<>();
        send(on, script, type, keys, args, reply, 0, 0);
        return reply.exceptionally(e -> {
            throw redis.translate(e);
        });
    }

    /**
     * One try of a script call: {@code EVALSHA}, {@code EVAL} on {@code NOSCRIPT}, and, while its
     * cluster slot migrates, the whole call again on {@code TRYAGAIN}.
     *
     * <p>Every jrq script names several keys of its queue's slot (among them key prefixes, which
     * never exist). While the slot migrates, the source node refuses such a call with
     * {@code TRYAGAIN} once some of its keys have moved, and the target node, which the source sends
     * the call to with {@code ASK} once none is left, refuses it too, as some of its keys are
     * missing there. Lettuce follows {@code ASK} and {@code MOVED} but passes {@code TRYAGAIN} on;
     * without a retry here every enqueue, fetch and lease renewal of the queue failed for as long as
     * the migration lasted. A refused call did not run at all (Redis checks the keys before the
     * script starts), so sending it again is safe, also for a fetch, which is never sent twice
     * otherwise. The retries stop half the command timeout after the first refusal, leaving the
     * other half to the last try within the caller's wait; a slot still migrating then fails the
     * call with the refusal, as before.
     */
    @SuppressWarnings("unchecked")
    private <T> void send(
            RedisClusterAsyncCommands<String, String> on,
            Script script,
            ScriptOutputType type,
            String[] keys,
            String[] args,
            CompletableFuture<T> reply,
            long firstRefusalNanos,
            long delayMs) {
        CompletableFuture<T> first = (CompletableFuture<T>)
                on.evalsha(script.sha(), type, keys, args).toCompletableFuture();
        first.handle((value, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(value);
                    }
                    Throwable cause = unwrap(error);
                    if (cause instanceof RedisNoScriptException) {
                        return on.<T>eval(script.body(), type, keys, args).toCompletableFuture();
                    }
                    return CompletableFuture.<T>failedFuture(cause);
                })
                .thenCompose(f -> f)
                .whenComplete((value, error) -> {
                    if (error == null) {
                        reply.complete(value);
                        return;
                    }
                    Throwable cause = unwrap(error);
                    long now = System.nanoTime();
                    long since = firstRefusalNanos == 0 ? now : firstRefusalNanos;
                    if (isTryAgain(cause) && now - since < redis.timeout().toNanos() / 2) {
                        long next = Math.min(Math.max(TRY_AGAIN_FIRST_MS, delayMs * 2), TRY_AGAIN_MAX_MS);
                        CompletableFuture.delayedExecutor(next, TimeUnit.MILLISECONDS)
                                .execute(() -> send(on, script, type, keys, args, reply, since, next));
                    } else {
                        reply.completeExceptionally(cause);
                    }
                });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** @return whether Redis refused the call because its slot is migrating and its keys are split */
    static boolean isTryAgain(Throwable t) {
        return t instanceof RedisCommandExecutionException
                && t.getMessage() != null
                && t.getMessage().startsWith("TRYAGAIN");
    }

    /** Runs a script and waits for its reply. @see #run */
    @SuppressWarnings(
            "TypeParameterUnusedInFormals") // the reply's type follows from type, which Lettuce does not carry
    public <T> T call(Script script, ScriptOutputType type, String[] keys, String... args) {
        return redis.await(this.<T>run(script, type, keys, args));
    }
}
