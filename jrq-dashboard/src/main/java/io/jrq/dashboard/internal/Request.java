package io.jrq.dashboard.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request with its parts decoded, each read once and bounded: the query and a form or JSON body
 * beyond their limits are refused, never read to the end.
 */
public final class Request {
    /** Largest form or JSON body read, in bytes (a selection of 1000 job ids fits). */
    static final int MAX_BODY = 64 * 1024;
    /** How much of a body over the limit is read (and dropped) before refusing it. */
    private static final long DRAINED = 1024 * 1024;

    private static final int MAX_QUERY = 4096;
    private static final int MAX_PARAMS = 1100;

    private final Exchange exchange;
    private final List<String> segments;
    private final Map<String, List<String>> query;
    private Map<String, List<String>> form;
    private byte[] body;

    Request(Exchange exchange) {
        this.exchange = exchange;
        String path = exchange.path();
        List<String> s = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                s.add(decode(part, false));
            }
        }
        this.segments = List.copyOf(s);
        String q = exchange.query();
        if (q != null && q.length() > MAX_QUERY) {
            throw new HttpError(414, "the query string is longer than " + MAX_QUERY + " characters");
        }
        this.query = parse(q);
    }

    /** @return the exchange */
    Exchange exchange() {
        return exchange;
    }

    /** @return the method */
    String method() {
        return exchange.method();
    }

    /** @return the decoded path segments below the mount point */
    List<String> segments() {
        return segments;
    }

    /** @param name a header @return its value or null */
    String header(String name) {
        return exchange.header(name);
    }

    /** @param name a query parameter @return its first value, or null */
    String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /**
     * @param name a query parameter holding a positive number
     * @param dflt its value when absent or empty
     * @param max the largest value allowed
     * @return the number
     */
    int intParam(String name, int dflt, int max) {
        String v = param(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1 || n > max) {
                throw HttpError.badRequest(name + " must be between 1 and " + max + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(
                    name + " must be a number between 1 and " + max + ", got '" + abbreviate(v) + "'");
        }
    }

    /** @param name a form field @return its first value, or null */
    String formValue(String name) throws IOException {
        List<String> v = form().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** @param name a form field @return all its values */
    List<String> formValues(String name) throws IOException {
        return form().getOrDefault(name, List.of());
    }

    private Map<String, List<String>> form() throws IOException {
        if (form == null) {
            String type = String.valueOf(header("Content-Type")).toLowerCase(java.util.Locale.ROOT);
            form = type.startsWith("application/x-www-form-urlencoded")
                    ? parse(new String(body(), StandardCharsets.UTF_8))
                    : Map.of();
        }
        return form;
    }

    /**
     * @return the body as JSON; an empty body is an empty object
     * @throws HttpError 400 when it is not JSON, 413 when it is too large
     */
    JsonNode json() throws IOException {
        byte[] b = body();
        if (b.length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(b);
        } catch (IOException e) {
            throw HttpError.badRequest("the body is not valid JSON: "
                    + abbreviate(String.valueOf(
                            e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                                    ? j.getOriginalMessage()
                                    : e.getMessage())));
        }
    }

    /** @return the raw body, at most {@link #MAX_BODY} bytes */
    byte[] body() throws IOException {
        if (body == null) {
            String length = header("Content-Length");
            long declared = -1;
            if (length != null) {
                try {
                    declared = Long.parseLong(length.trim());
                } catch (NumberFormatException e) {
                    throw HttpError.badRequest("Content-Length is not a number");
                }
            }
            try (InputStream in = exchange.body()) {
                if (declared > MAX_BODY) {
                    tooLarge(in);
                }
                byte[] b = in.readNBytes(MAX_BODY + 1);
                if (b.length > MAX_BODY) {
                    tooLarge(in);
                }
                body = b;
            }
        }
        return body;
    }

    /**
     * Refuses a body over the limit. Up to {@link #DRAINED} bytes of it are read and dropped first,
     * so that a client still sending gets the 413 instead of a broken connection; a larger one is
     * not read at all.
     */
    private static void tooLarge(InputStream in) throws IOException {
        // read, not skip: the JDK server's body stream passes skip to the socket, past the body's end
        byte[] sink = new byte[8192];
        long left = DRAINED;
        for (int n; left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) {
            left -= n;
        }
        throw new HttpError(413, "the body is larger than " + MAX_BODY + " bytes");
    }

    /** @param name a cookie @return its value, or null */
    String cookie(String name) {
        String h = header("Cookie");
        if (h == null) {
            return null;
        }
        for (String part : h.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
                return part.substring(eq + 1).trim();
            }
        }
        return null;
    }

    /** @param path a path below the mount point, starting with "/" @return the URL path a browser uses */
    String url(String path) {
        return exchange.mountPath() + path;
    }

    /** @param s a path segment @return it percent-encoded, a "/" included */
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }

    private static Map<String, List<String>> parse(String s) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (s == null || s.isEmpty()) {
            return out;
        }
        String[] pairs = s.split("&");
        if (pairs.length > MAX_PARAMS) {
            throw HttpError.badRequest("more than " + MAX_PARAMS + " parameters");
        }
        for (String pair : pairs) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static String decode(String s, boolean plusIsSpace) {
        try {
            return URLDecoder.decode(plusIsSpace ? s : s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("bad percent-encoding in '" + abbreviate(s) + "'");
        }
    }

    @Override
    public String toString() {
        return method() + " " + exchange.path() + " " + Arrays.toString(segments.toArray());
    }
}
