package io.jrq.examples.spring;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.JrqException;
import io.jrq.Progress;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The open event streams of {@code GET /tasks/{id}/events}: an event {@code status} at once, one
 * {@code progress} per update, then {@code end} with the final status and result, pushed by the
 * job's own events (no polling).
 *
 * <p>Each stream has a thread of its own from this class's pool while it is open. The job's
 * listeners run on the Redis client's I/O threads, which must never wait for Redis: they only hand
 * the news over to that thread, which reads the job and writes the events. The servlet container's
 * request thread is given back at once.
 *
 * <p>When the application stops, streams of tasks that are not running end at once, so that they
 * do not hold Spring's graceful shutdown for its whole timeout (a browser's EventSource reconnects
 * to another instance by itself); streams of running tasks stay open for their {@code end}, which
 * comes while the worker finishes its jobs.
 */
@Component
public class TaskStreams implements SmartLifecycle, DisposableBean {
    /** A comment this often keeps proxies from closing a stream whose task is still waiting. */
    private static final long HEARTBEAT_SECONDS = 15;
    /** How long one stream may stay open; an EventSource reconnects by itself after it. */
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);
    /**
     * Just above the phase of Spring Boot's graceful shutdown of the web server, so that the
     * streams are told before it starts waiting for them.
     */
    private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024 + 1;

    /** The news a stream's thread waits for, besides progress updates. */
    private enum Signal {
        /** The job has ended. */
        ENDED,
        /** The client left, or the stream timed out. */
        CLOSED,
        /** The application is stopping. */
        STOPPING
    }

    private final Set<BlockingQueue<Object>> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads;
    private volatile boolean running;
    private volatile boolean stopping;

    /** Creates the pool; the streams are served once the application has started. */
    public TaskStreams() {
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "task-events-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param job the task, known to exist
     * @return its event stream, written from now on by a thread of this class
     */
    public SseEmitter open(Job<String> job) {
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        BlockingQueue<Object> news = new LinkedBlockingQueue<>();
        job.onProgress(news::add);
        job.future().whenComplete((result, failure) -> news.add(Signal.ENDED));
        emitter.onCompletion(() -> news.add(Signal.CLOSED));
        emitter.onTimeout(() -> news.add(Signal.CLOSED));
        emitter.onError(e -> news.add(Signal.CLOSED));
        open.add(news);
        if (stopping) {
            news.add(Signal.STOPPING);
        }
        threads.execute(() -> {
            try {
                write(job, emitter, news);
            } finally {
                open.remove(news);
            }
        });
        return emitter;
    }

    private static void write(Job<String> job, SseEmitter emitter, BlockingQueue<Object> news) {
        try {
            emitter.send(event("status", TaskViews.describe(job)));
            // A job that ended before the listeners were set pushes nothing more.
            if (job.status().isTerminal()) {
                news.add(Signal.ENDED);
            }
            while (true) {
                Object next = news.poll(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
                if (next == null) {
                    emitter.send(SseEmitter.event().comment("still working"));
                } else if (next instanceof Progress p) {
                    emitter.send(event("progress", TaskViews.progress(p)));
                } else if (next == Signal.ENDED) {
                    emitter.send(event("end", TaskViews.describe(job)));
                    emitter.complete();
                    return;
                } else if (next == Signal.STOPPING) {
                    if (job.status() != JobStatus.STARTED) {
                        emitter.complete();
                        return;
                    }
                } else {
                    return; // CLOSED: nothing more to write to; the job goes on
                }
            }
        } catch (IOException | IllegalStateException clientLeft) {
            // the browser went away mid-write: nothing to clean up, the job goes on
        } catch (JrqException e) {
            // Redis went away mid-stream: the 200 is sent already, so say it in an event.
            try {
                emitter.send(SseEmitter.event()
                        .name("error")
                        .data(
                                Map.of("error", "the task store is unavailable: " + e.getMessage()),
                                MediaType.APPLICATION_JSON));
                emitter.complete();
            } catch (IOException | IllegalStateException clientLeft) {
                // nothing more to tell anyone
            }
        } catch (InterruptedException e) {
            // the pool is shutting down: the web server has stopped waiting for this stream
            Thread.currentThread().interrupt();
            emitter.complete();
        }
    }

    private static SseEmitter.SseEventBuilder event(String name, Map<String, Object> data) {
        return SseEmitter.event().name(name).data(data, MediaType.APPLICATION_JSON);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        stopping = true;
        running = false;
        open.forEach(news -> news.add(Signal.STOPPING));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Ends the streams still open once the web server has stopped waiting for them. */
    @Override
    public void destroy() {
        threads.shutdownNow();
    }
}
