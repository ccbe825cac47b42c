package io.jrq.examples.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Progress;
import io.jrq.Queue;
import io.jrq.Worker;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A web application on the JDK's own HTTP server, no framework: {@code POST /tasks} starts
 * {@link Tasks#run} (five seconds of work) and answers 202 at once with the job's id and location;
 * {@code GET /tasks/{id}} returns its status, progress and result as JSON;
 * {@code GET /tasks/{id}/events} streams its progress and result as Server-Sent Events, pushed as
 * they happen.
 *
 * <p>{@code TasksApp [--port 8080] [--redis redis://localhost:6379] [--worker]}: with
 * {@code --worker} the same process also runs the worker; without it, run one elsewhere, e.g.
 * {@code jrq worker tasks --allow io.jrq.examples} with this module on its class path, or
 * {@code TasksApp --worker-only}.
 */
public final class TasksApp implements AutoCloseable {
    /** The queue the tasks go to. */
    public static final String QUEUE = "tasks";

    private static final Pattern TASK = Pattern.compile("/tasks/([A-Za-z0-9_.:-]{1,128})(/events)?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Queue tasks;
    private final HttpServer server;
    private final ExecutorService requests = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tasks-http");
        t.setDaemon(true);
        return t;
    });

    private TasksApp(Jrq jrq, int port) throws IOException {
        this.tasks = jrq.queue(QUEUE);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/tasks", this::handle);
        server.setExecutor(requests);
    }

    /**
     * @param jrq the client (not closed by the app)
     * @param port the port, 0 for any free one
     * @return the running app
     * @throws IOException when the port cannot be bound
     */
    public static TasksApp start(Jrq jrq, int port) throws IOException {
        TasksApp app = new TasksApp(jrq, port);
        app.server.start();
        return app;
    }

    /** @return the port it listens on */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/tasks") || path.equals("/tasks/")) {
                if (!method.equals("POST")) {
                    notAllowed(ex, "POST");
                    return;
                }
                start(ex);
                return;
            }
            Matcher m = TASK.matcher(path);
            if (!m.matches()) {
                send(ex, 404, error("no such resource: " + path));
                return;
            }
            if (!method.equals("GET")) {
                notAllowed(ex, "GET");
                return;
            }
            Optional<Job<Object>> job = tasks.job(m.group(1));
            if (job.isEmpty()) {
                send(ex, 404, error("no task " + m.group(1)));
            } else if (m.group(2) == null) {
                send(ex, 200, describe(job.get()));
            } else {
                stream(ex, job.get().as(String.class));
            }
        } catch (RuntimeException e) {
            // Redis down or the like: say so, the request is not left hanging.
            send(ex, 503, error("the task store is unavailable: " + e.getMessage()));
        }
    }

    /** Enqueues the task: a Redis round trip, then the answer; the five seconds happen on a worker. */
    private void start(HttpExchange ex) throws IOException {
        Job<String> job = tasks.enqueue(Tasks::run);
        ex.getResponseHeaders().set("Location", "/tasks/" + job.id());
        ObjectNode body = JSON.createObjectNode()
                .put("id", job.id())
                .put("status", "QUEUED")
                .put("location", "/tasks/" + job.id());
        send(ex, 202, body);
    }

    private static ObjectNode describe(Job<?> job) {
        ObjectNode o = JSON.createObjectNode().put("id", job.id());
        JobStatus status = job.status();
        o.put("status", status.name());
        job.progress().ifPresentOrElse(p -> o.set("progress", progress(p)), () -> o.putNull("progress"));
        if (status == JobStatus.FINISHED) {
            o.putPOJO("result", job.result().orElse(null));
        } else {
            o.putNull("result");
        }
        job.error().ifPresentOrElse(e -> o.put("error", e.message()), () -> o.putNull("error"));
        return o;
    }

    private static ObjectNode progress(Progress p) {
        return JSON.createObjectNode().put("percent", p.percent()).put("message", p.message());
    }

    /**
     * Server-Sent Events: each progress update as an event {@code progress}, then one event
     * {@code end} with the final status and result. Pushed by the job's own events, no polling.
     */
    private void stream(HttpExchange ex, Job<String> job) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        // The listeners run on the client's I/O threads, which must not wait for Redis: they only
        // hand the news to this request's thread, which reads the job and writes the events.
        LinkedBlockingQueue<Object> news = new LinkedBlockingQueue<>();
        Object ended = new Object();
        job.onProgress(news::add);
        job.future().whenComplete((result, failure) -> news.add(ended));
        OutputStream out = ex.getResponseBody();
        try {
            write(out, event("status", describe(job)));
            // A job that ended before the listeners were set has nothing more to push.
            if (job.status().isTerminal()) {
                news.add(ended);
            }
            while (true) {
                Object next = news.poll(15, TimeUnit.SECONDS);
                if (next == null) {
                    write(out, ": still working\n\n"); // keeps proxies from closing an idle stream
                } else if (next instanceof Progress p) {
                    write(out, event("progress", progress(p)));
                } else {
                    write(out, event("end", describe(job)));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientLeft) {
            // the browser went away: nothing to clean up, the job goes on
        }
    }

    private static String event(String name, ObjectNode data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void notAllowed(HttpExchange ex, String allow) throws IOException {
        ex.getResponseHeaders().set("Allow", allow);
        send(ex, 405, error("method " + ex.getRequestMethod() + " not allowed here; use " + allow));
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    /**
     * @param jrq the client
     * @return a worker for the tasks queue, as a separate worker process would run it
     */
    public static Worker worker(Jrq jrq) {
        return jrq.worker(QUEUE).allowPackages("io.jrq.examples").concurrency(8).start();
    }

    /** @param args {@code [--port N] [--redis URL] [--worker | --worker-only]} */
    public static void main(String[] args) throws Exception {
        int port = 8080;
        String url = System.getenv().getOrDefault("JRQ_REDIS_URL", "redis://localhost:6379");
        boolean worker = false;
        boolean workerOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--redis" -> url = value(args, ++i, "--redis");
                case "--worker" -> worker = true;
                case "--worker-only" -> workerOnly = true;
                default -> {
                    System.err.println("unknown option " + args[i]
                            + "; usage: TasksApp [--port N] [--redis URL] [--worker | --worker-only]");
                    System.exit(2);
                }
            }
        }
        Jrq jrq = Jrq.connect(url);
        if (workerOnly) {
            Worker w = worker(jrq);
            System.out.println("worker " + w.name() + " serving queue " + QUEUE);
            Thread.currentThread().join(); // until the JVM is stopped; the worker gives its jobs back on SIGTERM
            return;
        }
        Worker w = worker ? worker(jrq) : null;
        TasksApp app = start(jrq, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            if (w != null) {
                w.close();
            }
            jrq.close();
        }));
        System.out.println(
                "listening on http://127.0.0.1:" + app.port() + "/tasks" + (w != null ? " with a worker" : ""));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
