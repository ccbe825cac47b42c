package io.jrq.cli;

import io.jrq.Jrq;
import io.jrq.JrqMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The metrics of a {@code jrq worker} process for Prometheus ({@code --metrics-port}): a Prometheus
 * registry with Micrometer's JVM and process binders (memory, GC, threads, CPU, uptime) and, once
 * the worker's client is connected, jrq's queue gauges ({@link JrqMetrics}), served by a
 * {@link MetricsEndpoint}. It listens before Redis is contacted, so a port that is taken stops the
 * command before a worker exists.
 */
final class WorkerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    private final MetricsEndpoint endpoint;
    private JrqMetrics queues;
    private boolean closed;

    private WorkerMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc, MetricsEndpoint endpoint) {
        this.registry = registry;
        this.gc = gc;
        this.endpoint = endpoint;
    }

    /**
     * @param address where to serve the scrapes
     * @return the registry with the JVM's meters, served at {@code address}
     * @throws IOException when the address cannot be listened on
     */
    static WorkerMetrics listen(InetSocketAddress address) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        try {
            return new WorkerMetrics(
                    registry, gc, MetricsEndpoint.start(address, () -> registry.scrape(MetricsEndpoint.CONTENT_TYPE)));
        } catch (IOException | RuntimeException e) {
            gc.close();
            registry.close();
            throw e;
        }
    }

    /**
     * Adds jrq's queue gauges, read from Redis by their own thread once per
     * {@link JrqMetrics#DEFAULT_INTERVAL}.
     *
     * @param jrq the worker's client
     * @return the binder, to close before the client
     */
    synchronized JrqMetrics watch(Jrq jrq) {
        queues = new JrqMetrics(jrq);
        queues.bindTo(registry);
        return queues;
    }

    /** @return the scrape's URL */
    URI uri() {
        return endpoint.uri();
    }

    /**
     * Stops the endpoint and the reads; called when the worker has stopped, from the command or,
     * on SIGTERM, from its shutdown notice, whichever comes first.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        endpoint.close();
        if (queues != null) {
            queues.close();
        }
        gc.close();
        registry.close();
    }
}
