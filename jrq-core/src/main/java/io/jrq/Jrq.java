package io.jrq;

import io.jrq.internal.client.Backend;
import io.jrq.internal.client.InlineBackend;
import io.jrq.internal.client.RedisBackend;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The entry point: one thread-safe client per application, shared by all threads.
 *
 * <pre>{@code
 * try (Jrq jrq = Jrq.connect("redis://localhost:6379")) {
 *     Job<Integer> job = jrq.queue("default").enqueue(WordCount::count, "https://example.org");
 *     Integer n = job.await(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>{@link #inline()} gives the same API without Redis: every job runs synchronously inside
 * {@code enqueue}, for an application's own unit tests.
 */
public final class Jrq implements AutoCloseable {
    private final Backend backend;
    private final JrqOptions options;

    private Jrq(Backend backend, JrqOptions options) {
        this.backend = backend;
        this.options = options;
    }

    /**
     * Connects to Redis. The connection is re-established by itself when it drops.
     *
     * @param url {@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS,
     *     {@code redis-sentinel://}, or {@code redis-cluster://host:port[,host:port...]}
     * @return the client
     * @throws RedisUnavailableException naming host:port and the cause when Redis cannot be reached
     * @throws IllegalArgumentException when the URL cannot be parsed (the message quotes it, password masked)
     */
    public static Jrq connect(String url) {
        return connect(JrqOptions.builder().url(url).build());
    }

    /**
     * @param options connection and storage options
     * @return the client
     * @throws RedisUnavailableException naming host:port and the cause when Redis cannot be reached
     */
    public static Jrq connect(JrqOptions options) {
        Objects.requireNonNull(options, "options");
        return new Jrq(RedisBackend.connect(options), options);
    }

    /**
     * A client without Redis in which every job runs synchronously, on the calling thread, inside
     * {@code enqueue} (like RQ's {@code is_async=False}). Any method may run; handlers and an instance
     * resolver are taken from the last worker "started" on it with {@link #worker(String...)}.
     *
     * @return the inline client
     */
    public static Jrq inline() {
        return inline(JrqOptions.defaults());
    }

    /** @param options storage options (the URL is ignored) @return the inline client */
    public static Jrq inline(JrqOptions options) {
        return new Jrq(new InlineBackend(options), options);
    }

    /** @return the options this client was made with */
    public JrqOptions options() {
        return options;
    }

    /**
     * @param name 1-100 characters of {@code A-Z a-z 0-9 _ . -}
     * @return the queue (created on first enqueue)
     */
    public Queue queue(String name) {
        return new Queue(backend, options, name, EnqueueOptions.none());
    }

    /**
     * @return the recurring jobs (cron and interval schedules) of this client's Redis; with
     *     {@link #inline()} they are kept in memory and never run
     */
    public Recurring recurring() {
        return new Recurring(backend.recurring(), options);
    }

    /**
     * Finds a job by id in any queue this Redis has seen.
     *
     * @param id the job id
     * @return the job, or empty when no queue has it
     */
    public Optional<Job<Object>> job(String id) {
        Objects.requireNonNull(id, "id");
        return backend.findQueue(id).map(q -> queue(q).job(id)).flatMap(j -> j);
    }

    /**
     * @return the operators' API: queues, counts, jobs per state, workers, requeue, delete, pause, limits
     * @throws UnsupportedOperationException in inline mode
     */
    public Admin admin() {
        return new Admin(backend.admin());
    }

    /**
     * @param queues the queues to serve, highest priority first
     * @return a builder for a worker sharing this client's connection settings
     */
    public Worker.Builder worker(String... queues) {
        return new Worker.Builder(backend, List.copyOf(Arrays.asList(queues)));
    }

    /** @return the observers (metrics, tracing) of this client's jobs and workers */
    io.jrq.internal.observe.Observers observers() {
        return backend.observers();
    }

    /** Closes the connections. Workers started from this client should be closed first. */
    @Override
    public void close() {
        backend.close();
    }
}
