package io.jrq.dashboard;

import io.jrq.dashboard.internal.Exchange;
import io.jrq.dashboard.internal.Response;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link Dashboard} as a Jakarta Servlet (Servlet 5 or later), for an application to map under
 * its own path, e.g. {@code /jrq/*}, behind its own security. Build the dashboard with
 * {@link Dashboard.Builder#applicationAuthenticates()} when the application's security filter
 * guards that path, or with an {@link Authenticator} to keep the dashboard's own login. The
 * application closes the dashboard when it stops.
 */
public class DashboardServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Dashboard dashboard;

    /** @param dashboard the dashboard to serve */
    public DashboardServlet(Dashboard dashboard) {
        this.dashboard = Objects.requireNonNull(dashboard, "dashboard");
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) {
        dashboard.handle(new ServletExchange(req, resp));
    }

    /** {@link Exchange} over a servlet request and response. */
    private static final class ServletExchange implements Exchange {
        private final HttpServletRequest req;
        private final HttpServletResponse resp;
        private final String mount;

        ServletExchange(HttpServletRequest req, HttpServletResponse resp) {
            this.req = req;
            this.resp = resp;
            // The raw URI keeps %2F inside a segment; the mount is what precedes the servlet's own part.
            String uri = req.getRequestURI();
            String mapped = req.getContextPath() + req.getServletPath();
            this.mount = uri.startsWith(mapped) ? mapped : req.getContextPath();
        }

        @Override
        public String method() {
            return req.getMethod().toUpperCase(java.util.Locale.ROOT);
        }

        @Override
        public String mountPath() {
            return mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
        }

        @Override
        public String path() {
            String rest = req.getRequestURI().substring(mountPath().length());
            return rest.isEmpty() ? "/" : rest;
        }

        @Override
        public String query() {
            return req.getQueryString();
        }

        @Override
        public String header(String name) {
            return req.getHeader(name);
        }

        @Override
        public String remoteAddress() {
            return req.getRemoteAddr();
        }

        @Override
        public boolean secure() {
            return req.isSecure();
        }

        @Override
        public InputStream body() throws IOException {
            return req.getInputStream();
        }

        @Override
        public void send(Response r) throws IOException {
            resp.setStatus(r.status());
            headers(r);
            byte[] b = r.body();
            resp.setContentLength(b.length);
            if (b.length > 0) {
                resp.getOutputStream().write(b);
            }
        }

        @Override
        public OutputStream stream(Response head) throws IOException {
            resp.setStatus(head.status());
            headers(head);
            resp.flushBuffer();
            return resp.getOutputStream();
        }

        private void headers(Response r) {
            for (Map.Entry<String, String> h : r.headers()) {
                resp.addHeader(h.getKey(), h.getValue());
            }
        }
    }
}
