package io.jrq.dashboard.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One HTTP request and its response, as the dashboard sees it under either server: the JDK's
 * HttpServer or a servlet container. Paths are raw (still percent-encoded) so that an encoded
 * {@code /} in a segment stays inside its segment.
 */
public interface Exchange {
    /** @return the method, upper case */
    String method();

    /** @return the raw path prefix the dashboard is mounted under, without a trailing slash ("" at the root) */
    String mountPath();

    /** @return the raw path below {@link #mountPath()}, starting with "/" ("/" for the root itself) */
    String path();

    /** @return the raw query string, or null */
    String query();

    /** @param name a header name, any case @return its first value, or null */
    String header(String name);

    /** @return the client's address as this server sees it (a proxy's, behind one) */
    String remoteAddress();

    /** @return true when the request came over TLS to this server */
    boolean secure();

    /** @return the request body; callers read a bounded amount */
    InputStream body() throws IOException;

    /** Sends a whole response. */
    void send(Response response) throws IOException;

    /**
     * Starts a streamed response (server-sent events) with the response's status and headers and no
     * length; the caller writes, flushes and closes the stream.
     */
    OutputStream stream(Response head) throws IOException;
}
