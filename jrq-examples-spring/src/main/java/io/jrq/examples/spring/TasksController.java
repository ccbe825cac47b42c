package io.jrq.examples.spring;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Queue;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The three endpoints: {@code POST /tasks} enqueues {@link Tasks#run} and answers 202 at once,
 * {@code GET /tasks/{id}} describes the task, and {@code GET /tasks/{id}/events} streams its
 * progress and result as Server-Sent Events ({@link TaskStreams}). Errors are answered by
 * {@link TaskErrors}; other methods get Spring's 405 with an {@code Allow} header.
 */
@RestController
@RequestMapping("/tasks")
public class TasksController {
    /** What a job id may look like; anything else cannot be a task and is answered 404 unread. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private final Queue tasks;
    private final TaskStreams streams;

    /**
     * @param jrq the client the starter configured
     * @param streams writes the event streams
     */
    public TasksController(Jrq jrq, TaskStreams streams) {
        this.tasks = jrq.queue(TasksSpringApp.QUEUE);
        this.streams = streams;
    }

    /**
     * Enqueues the task: one Redis round trip, then the answer; the five seconds happen on a worker.
     *
     * @return 202 with the task's id, status and location
     */
    @PostMapping
    public ResponseEntity<Map<String, Object>> start() {
        Job<String> job = tasks.enqueue(Tasks::run);
        String location = "/tasks/" + job.id();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", job.id());
        body.put("status", JobStatus.QUEUED.name());
        body.put("location", location);
        return ResponseEntity.accepted().location(URI.create(location)).body(body);
    }

    /**
     * @param id the task's id
     * @return its status, latest progress, result and error
     */
    @GetMapping("/{id}")
    public Map<String, Object> describe(@PathVariable String id) {
        return TaskViews.describe(find(id));
    }

    /**
     * @param id the task's id
     * @return its events: {@code status} at once, {@code progress} per update, {@code end} last
     */
    @GetMapping("/{id}/events")
    public SseEmitter events(@PathVariable String id) {
        // Looked up here, on the request's thread, so that an unknown id or Redis down is an
        // ordinary 404 or 503 rather than a stream that breaks off.
        return streams.open(find(id).as(String.class));
    }

    private Job<Object> find(String id) {
        if (!ID.matcher(id).matches()) {
            throw new TaskNotFoundException(id.length() > 128 ? id.substring(0, 128) + "..." : id);
        }
        return tasks.job(id).orElseThrow(() -> new TaskNotFoundException(id));
    }
}
