package io.jrq.dashboard.internal;

import io.jrq.Admin;

/**
 * What a page or action works with: the request, who is logged in, the session's CSRF token (null
 * for HTTP Basic requests, which carry no session), and the dashboard's services.
 *
 * @param req the request
 * @param user the authenticated user
 * @param csrf the session's CSRF token, or null
 * @param app the dashboard's services
 */
record Ctx(Request req, String user, String csrf, App app) {
    Admin admin() {
        return app.admin();
    }

    boolean readOnly() {
        return app.readOnly();
    }

    String url(String path) {
        return req.url(path);
    }
}
