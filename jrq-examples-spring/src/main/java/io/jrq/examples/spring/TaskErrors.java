package io.jrq.examples.spring;

import io.jrq.JrqException;
import io.jrq.RedisUnavailableException;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error as {@code {"error": "..."}}, with the status that says what went wrong. The content
 * type is set here, not negotiated: a browser's EventSource asks for {@code text/event-stream}
 * only, and must still get the 404 of an unknown task rather than a 406.
 */
@RestControllerAdvice
public class TaskErrors {
    @ExceptionHandler(TaskNotFoundException.class)
    ResponseEntity<Map<String, String>> notFound(TaskNotFoundException e) {
        return json(HttpStatus.NOT_FOUND).body(error(e.getMessage()));
    }

    /** Paths no mapping serves, such as {@code /tasks/a/b}. */
    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Map<String, String>> noSuchPath(NoResourceFoundException e) {
        return json(HttpStatus.NOT_FOUND).body(error("no such resource: /" + e.getResourcePath()));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, String>> notAllowed(HttpRequestMethodNotSupportedException e) {
        String allow = e.getSupportedMethods() == null ? "" : String.join(", ", e.getSupportedMethods());
        return json(HttpStatus.METHOD_NOT_ALLOWED)
                .header(HttpHeaders.ALLOW, allow)
                .body(error("method " + e.getMethod() + " not allowed here; use " + allow));
    }

    /**
     * Redis down or unreachable: the request fails within jrq's command timeout and says so, and
     * the client may try again (jrq reconnects by itself once Redis is back).
     */
    @ExceptionHandler(RedisUnavailableException.class)
    ResponseEntity<Map<String, String>> unavailable(RedisUnavailableException e) {
        return json(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(error("the task store is unavailable: " + e.getMessage()));
    }

    /** Any other failure of jrq while it talks to Redis: the store, not the request, is at fault. */
    @ExceptionHandler(JrqException.class)
    ResponseEntity<Map<String, String>> storeFailed(JrqException e) {
        return json(HttpStatus.SERVICE_UNAVAILABLE).body(error("the task store failed: " + e.getMessage()));
    }

    private static ResponseEntity.BodyBuilder json(HttpStatus status) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message);
    }
}
