package io.jrq.dashboard.internal;

/** A page for a refused request: the status and the reason, escaped, and a way back. */
final class ErrorPage {
    private ErrorPage() {}

    static String render(Exchange ex, int status, String message) {
        String root = ex.mountPath() + "/";
        return new Html()
                .raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .el("title", "jrq · " + status)
                .open("link", "rel", "stylesheet", "href", ex.mountPath() + "/assets/dashboard.css")
                .raw("</head><body><main>")
                .el("h1", status + " " + reason(status))
                .el("p", message, "class", "flash bad")
                .open("p")
                .open("a", "href", root)
                .text("Back to the overview")
                .close("a")
                .close("p")
                .raw("</main></body></html>")
                .toString();
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Not logged in";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 409 -> "Conflict";
            case 413 -> "Too large";
            case 414 -> "URI too long";
            case 429 -> "Too many requests";
            case 503 -> "Unavailable";
            default -> "Error";
        };
    }
}
