package io.jrq.dashboard.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A response to send: status, headers (a name may repeat, as Set-Cookie does) and body. */
public final class Response {
    private final int status;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private final byte[] body;

    private Response(int status, String contentType, byte[] body) {
        this.status = status;
        this.body = body;
        if (contentType != null) {
            header("Content-Type", contentType);
        }
    }

    /** @return an HTML page */
    public static Response html(int status, String html) {
        return new Response(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    /** @return a JSON document: a map, list or value Jackson writes as it is */
    public static Response json(int status, Object value) {
        try {
            return new Response(status, "application/json", Json.MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the response as JSON", e);
        }
    }

    /** @return a plain-text response */
    public static Response text(int status, String text) {
        return new Response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return bytes of a given type */
    public static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, contentType, body);
    }

    /** @return a 303 See Other to a location (a path this dashboard built) */
    public static Response redirect(String location) {
        return new Response(303, null, new byte[0]).header("Location", location);
    }

    /** @return a head for a stream of server-sent events */
    public static Response eventStream() {
        return new Response(200, "text/event-stream; charset=utf-8", new byte[0]).header("Cache-Control", "no-store");
    }

    /** Adds a header. @return this */
    public Response header(String name, String value) {
        headers.add(Map.entry(name, value));
        return this;
    }

    /** @return the status code */
    public int status() {
        return status;
    }

    /** @return the headers in the order they were added */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** @param name a header name @return whether the response has it */
    public boolean has(String name) {
        return headers.stream().anyMatch(h -> h.getKey().equalsIgnoreCase(name));
    }

    /** @return the body */
    public byte[] body() {
        return body;
    }
}
