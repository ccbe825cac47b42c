package io.jrq.internal.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs jrq's scripts with {@code EVALSHA}; when the server does not know a script (first use, or
 * after a restart or failover emptied its script cache) it sends it once with {@code EVAL}, which
 * also caches it. Routing in a cluster follows the first key, which carries the queue's hash tag.
 */
public final class Scripts {
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
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> run(
            RedisClusterAsyncCommands<String, String> on,
            Script script,
            ScriptOutputType type,
            String[] keys,
            String... args) {
        CompletableFuture<T> first = (CompletableFuture<T>)
                on.evalsha(script.sha(), type, keys, args).toCompletableFuture();
        return first.handle((value, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(value);
                    }
                    Throwable cause =
                            error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof RedisNoScriptException) {
                        return on.<T>eval(script.body(), type, keys, args).toCompletableFuture();
                    }
                    return CompletableFuture.<T>failedFuture(cause);
                })
                .thenCompose(f -> f)
                .exceptionally(e -> {
                    throw redis.translate(e);
                });
    }

    /** Runs a script and waits for its reply. @see #run */
    @SuppressWarnings(
            "TypeParameterUnusedInFormals") // the reply's type follows from type, which Lettuce does not carry
    public <T> T call(Script script, ScriptOutputType type, String[] keys, String... args) {
        return redis.await(this.<T>run(script, type, keys, args));
    }
}
