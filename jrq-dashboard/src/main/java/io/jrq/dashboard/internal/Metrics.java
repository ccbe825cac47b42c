package io.jrq.dashboard.internal;

import io.jrq.Jrq;
import io.jrq.JrqMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What {@code GET /metrics} serves: jrq's meters ({@link JrqMetrics}) for the dashboard's client, in
 * a Prometheus registry of the dashboard's own, as the Prometheus text format 0.0.4. The binder's
 * thread reads Redis once per interval, so a scrape never reaches Redis however often it comes.
 * The registry holds only jrq's meters: an application that mounts the dashboard keeps its JVM's
 * meters in its own registry.
 *
 * <p>The binder is bound at the first scrape, not when the dashboard is built: a dashboard that no
 * one scrapes (most of them) reads nothing more from Redis, and one whose server fails to start
 * has no read under way while its client closes. The first scrape may therefore lack the queue
 * gauges, whose first read is then still under way; the next one has them.
 */
public final class Metrics implements AutoCloseable {
    /** The content type of the Prometheus text format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Jrq jrq;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private JrqMetrics binder;
    private boolean closed;

    /** @param jrq the dashboard's client (not closed by this) */
    public Metrics(Jrq jrq) {
        this.jrq = jrq;
    }

    /** @return the last read of every meter, in the text format 0.0.4 */
    String scrape() {
        synchronized (this) {
            if (binder == null && !closed) {
                binder = new JrqMetrics(jrq);
                binder.bindTo(registry);
            }
        }
        return registry.scrape(CONTENT_TYPE);
    }

    /** Stops the reads of Redis and closes the registry. */
    @Override
    public synchronized void close() {
        closed = true;
        if (binder != null) {
            binder.close();
        }
        registry.close();
    }
}
