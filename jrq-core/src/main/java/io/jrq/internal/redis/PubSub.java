package io.jrq.internal.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletableFuture;

/**
 * A pub/sub connection of its own, with one listener for the messages of its channels. Lettuce
 * subscribes the channels again after a reconnect, and tells the listener so.
 */
public final class PubSub implements AutoCloseable {
    /** Told of messages, on a Lettuce I/O thread: must not block. */
    public interface Listener {
        /**
         * @param channel the channel it was published on
         * @param message the message
         */
        void message(String channel, String message);

        /**
         * A subscription took effect: the first time, and again after every reconnect.
         *
         * @param channel the channel subscribed to
         */
        default void subscribed(String channel) {}
    }

    private final StatefulRedisPubSubConnection<String, String> connection;

    PubSub(StatefulRedisPubSubConnection<String, String> connection, Listener listener) {
        this.connection = connection;
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                listener.message(channel, message);
            }

            @Override
            public void subscribed(String channel, long count) {
                listener.subscribed(channel);
            }
        });
    }

    /**
     * @param channel the channel to subscribe to
     * @return completes once Redis confirmed the subscription
     */
    public CompletableFuture<Void> subscribe(String channel) {
        return connection.async().subscribe(channel).toCompletableFuture();
    }

    @Override
    public void close() {
        connection.close();
    }
}
