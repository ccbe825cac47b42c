package io.jrq.dashboard.internal;

/**
 * A request the dashboard refuses, with the status and a message safe to show (it may quote the
 * bad input: pages escape it, JSON encodes it).
 */
public final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    /**
     * @param status a 4xx status
     * @param message what was wrong
     */
    public HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** @return the status code */
    public int status() {
        return status;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    static HttpError notFound(String message) {
        return new HttpError(404, message);
    }
}
