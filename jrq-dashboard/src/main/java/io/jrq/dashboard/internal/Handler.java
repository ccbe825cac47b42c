package io.jrq.dashboard.internal;

import io.jrq.RedisUnavailableException;
import io.jrq.dashboard.Authenticator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The dashboard's one entry point, behind either server: authentication, CSRF and origin checks,
 * security headers, routing to pages, actions, the API, the live feed and the metrics, and errors
 * as clean 4xx responses. A GET never changes anything; every change is a POST.
 */
public final class Handler {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Handler.class);
    static final String COOKIE = "jrq_session";
    private static final String CSP =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                    + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Pattern SAFE_NEXT = Pattern.compile("/[A-Za-z0-9/_.~%?=&+-]{0,500}");
    private static final Map<String, String> ASSETS = Map.of(
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8");
    /** How long one live stream stays open; the browser reconnects, which re-checks its session. */
    private static final Duration STREAM_LIFE = Duration.ofMinutes(5);
    /** One realm for every Basic challenge: the same credentials open the API and the metrics. */
    private static final String BASIC_CHALLENGE = "Basic realm=\"jrq dashboard\", charset=\"UTF-8\"";

    private final App app;
    private final Authenticator authenticator;
    private final Sessions sessions;
    private final LoginGuard guard;
    private final boolean trustForwardedProto;
    private final Metrics metrics;

    /**
     * @param app the services
     * @param authenticator checks logins, or null when the application in front authenticates
     * @param loginDelay how long a failed login waits before its answer
     * @param trustForwardedProto true behind a TLS-terminating proxy that sets X-Forwarded-Proto
     * @param metrics what {@code GET /metrics} serves
     */
    public Handler(
            App app, Authenticator authenticator, Duration loginDelay, boolean trustForwardedProto, Metrics metrics) {
        this.app = app;
        this.authenticator = authenticator;
        this.sessions = new Sessions(app.clock());
        this.guard = new LoginGuard(app.clock(), loginDelay);
        this.trustForwardedProto = trustForwardedProto;
        this.metrics = metrics;
    }

    /** Handles one exchange; never throws (a failure to write means the client went away). */
    public void handle(Exchange ex) {
        pendingCookie.remove();
        try {
            send(ex, route(ex));
        } catch (Streamed s) {
            // the live feed wrote its own response
        } catch (IOException e) {
            log.debug("client went away: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("dashboard request {} {} failed", ex.method(), ex.path(), e);
            try {
                send(ex, error(ex, 500, "internal error; the dashboard's log has the details"));
            } catch (IOException | RuntimeException ignored) {
                // nothing more to tell a client that cannot be written to
            }
        }
    }

    private Response route(Exchange ex) throws IOException {
        try {
            Request r = new Request(ex);
            String m = ex.method();
            if (r.segments().equals(List.of("metrics"))) {
                return metrics(r);
            }
            if (!m.equals("GET") && !m.equals("POST")) {
                return error(ex, 405, "method " + m + " is not allowed; pages use GET, changes POST")
                        .header("Allow", "GET, POST");
            }
            List<String> s = r.segments();
            if (!s.isEmpty() && s.get(0).equals("assets")) {
                return asset(s);
            }
            if (s.equals(List.of("login")) && authenticator != null) {
                return m.equals("GET") ? LoginPage.render(r, null, 200) : login(r);
            }
            Ctx ctx = authenticate(r);
            if (ctx == null) {
                return unauthenticated(r);
            }
            if (m.equals("POST")) {
                checkPost(ctx);
                if (s.equals(List.of("logout"))) {
                    sessions.end(r.cookie(COOKIE));
                    return Response.redirect(r.url("/login")).header("Set-Cookie", cookie(r, "", 0));
                }
                if (app.readOnly()) {
                    throw new HttpError(403, "the dashboard is read-only: no action is allowed");
                }
                return isApi(s) ? Api.post(ctx, s.subList(1, s.size())) : Forms.post(ctx, s);
            }
            if (isApi(s)) {
                return Api.get(ctx, s.subList(1, s.size()));
            }
            if (s.equals(List.of("live"))) {
                stream(ctx);
                throw new Streamed();
            }
            return Response.html(200, Pages.get(ctx, s));
        } catch (HttpError e) {
            return error(ex, e.status(), e.getMessage());
        } catch (Redirect e) {
            return Response.redirect(e.location());
        } catch (RedisUnavailableException e) {
            return error(ex, 503, "Redis is not reachable: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // the admin API's own argument checks (a queue name it cannot hold, a bad count)
            return error(ex, 400, e.getMessage());
        }
    }

    private static boolean isApi(List<String> s) {
        return !s.isEmpty() && s.get(0).equals("api");
    }

    private Ctx authenticate(Request r) {
        Sessions.Session s = sessions.find(r.cookie(COOKIE));
        if (s != null) {
            return new Ctx(r, s.user(), s.csrf(), app);
        }
        if (authenticator == null) {
            // The application authenticated the request; a session still carries the CSRF token.
            Sessions.Session fresh = sessions.create("application user");
            pendingCookie.set(cookie(r, fresh.token(), -1));
            return new Ctx(r, fresh.user(), fresh.csrf(), app);
        }
        String auth = r.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String address = r.exchange().remoteAddress();
            long blocked = guard.blockedFor(address);
            if (blocked > 0) {
                throw new HttpError(429, "too many failed logins from this address; try again in " + blocked + " s");
            }
            String decoded;
            try {
                decoded =
                        new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            char[] password =
                    colon < 0 ? new char[0] : decoded.substring(colon + 1).toCharArray();
            String user = colon < 0 ? decoded : decoded.substring(0, colon);
            boolean ok = authenticator.authenticate(user, password);
            java.util.Arrays.fill(password, '\0');
            if (!ok) {
                guard.failed(address);
                return null;
            }
            guard.succeeded(address);
            return new Ctx(r, user, null, app);
        }
        return null;
    }

    /** A Set-Cookie for the session the delegated mode opened during this request, if any. */
    private final ThreadLocal<String> pendingCookie = new ThreadLocal<>();

    private Response unauthenticated(Request r) {
        List<String> s = r.segments();
        if (isApi(s) || s.equals(List.of("live")) || r.method().equals("POST") || r.header("Authorization") != null) {
            return error(
                            r.exchange(),
                            401,
                            "log in first: HTTP Basic with the dashboard's user and password, or the login page")
                    .header("WWW-Authenticate", BASIC_CHALLENGE);
        }
        String next = r.exchange().path()
                + (r.exchange().query() == null ? "" : "?" + r.exchange().query());
        return Response.redirect(r.url("/login") + (next.equals("/") ? "" : "?next=" + Request.enc(next)));
    }

    /**
     * {@code GET /metrics}, for a Prometheus scrape: let in by a session, by HTTP Basic (checked by the
     * authenticator and throttled as every login is), or by the application's own security in front.
     * Without either it answers 401 and a Basic challenge, never the login page's redirect, which a
     * scraper would only follow into a page it cannot parse. No session is opened for a scrape: it
     * needs no CSRF token, and a scraper every 15 s would otherwise crowd out the operators' sessions.
     */
    private Response metrics(Request r) {
        String m = r.method();
        if (!m.equals("GET") && !m.equals("HEAD")) {
            return Response.text(405, "method " + m + " is not allowed on /metrics; use GET")
                    .header("Allow", "GET, HEAD");
        }
        if (authenticator != null && authenticate(r) == null) {
            return Response.text(401, "log in first: HTTP Basic with the dashboard's user and password, or a session")
                    .header("WWW-Authenticate", BASIC_CHALLENGE);
        }
        return Response.bytes(200, Metrics.CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private Response login(Request r) throws IOException {
        checkOrigin(r);
        String address = r.exchange().remoteAddress();
        long blocked = guard.blockedFor(address);
        if (blocked > 0) {
            return LoginPage.render(r, "Too many failed logins from this address; try again in " + blocked + " s.", 429)
                    .header("Retry-After", Long.toString(blocked));
        }
        String user = r.formValue("user");
        String pw = r.formValue("password");
        char[] password = pw == null ? new char[0] : pw.toCharArray();
        boolean ok = user != null && authenticator.authenticate(user, password);
        java.util.Arrays.fill(password, '\0');
        if (!ok) {
            guard.failed(address);
            return LoginPage.render(r, "Wrong user name or password.", 401);
        }
        guard.succeeded(address);
        Sessions.Session s = sessions.create(user);
        String next = r.formValue("next");
        String target = next != null && SAFE_NEXT.matcher(next).matches() && !next.startsWith("//") ? next : "/";
        return Response.redirect(r.url(target)).header("Set-Cookie", cookie(r, s.token(), -1));
    }

    /**
     * A POST must come from this dashboard's own pages: a browser says where a request comes from
     * (Origin, Sec-Fetch-Site) and a page from another site is refused; a session's request must
     * also carry its CSRF token. Scripts using HTTP Basic send neither header and carry no token.
     */
    private void checkPost(Ctx ctx) throws IOException {
        checkOrigin(ctx.req());
        if (ctx.csrf() == null) {
            return;
        }
        String token = ctx.req().header("X-CSRF-Token");
        if (token == null) {
            token = ctx.req().formValue("_csrf");
        }
        if (token == null
                || !MessageDigest.isEqual(
                        token.getBytes(StandardCharsets.UTF_8), ctx.csrf().getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(403, "this request lacks the page's CSRF token; reload the page and try again");
        }
    }

    private void checkOrigin(Request r) {
        String site = r.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw new HttpError(403, "cross-site request refused (Sec-Fetch-Site: " + Request.abbreviate(site) + ")");
        }
        String origin = r.header("Origin");
        if (origin != null) {
            String host = r.header("Host");
            String expected = (secure(r) ? "https://" : "http://") + host;
            if (host == null || !origin.equalsIgnoreCase(expected)) {
                throw new HttpError(403, "cross-origin request refused (Origin: " + Request.abbreviate(origin) + ")");
            }
        }
    }

    private boolean secure(Request r) {
        return r.exchange().secure()
                || (trustForwardedProto && "https".equalsIgnoreCase(r.header("X-Forwarded-Proto")));
    }

    private String cookie(Request r, String value, int maxAge) {
        String path = r.exchange().mountPath().isEmpty() ? "/" : r.exchange().mountPath() + "/";
        return COOKIE + "=" + value + "; Path=" + path + "; HttpOnly; SameSite=Strict" + (secure(r) ? "; Secure" : "")
                + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
    }

    private Response asset(List<String> s) throws IOException {
        String type = s.size() == 2 ? ASSETS.get(s.get(1)) : null;
        if (type == null) {
            throw HttpError.notFound("no such asset");
        }
        try (InputStream in = Handler.class.getResourceAsStream("/io/jrq/dashboard/assets/" + s.get(1))) {
            if (in == null) {
                throw HttpError.notFound("no such asset");
            }
            return Response.bytes(200, type, in.readAllBytes()).header("Cache-Control", "max-age=300");
        }
    }

    private void stream(Ctx ctx) throws IOException {
        String topic = ctx.req().param("topic");
        if (topic == null
                || !(topic.equals(LiveFeed.OVERVIEW)
                        || (topic.startsWith("job:") && topic.indexOf('/') > 4 && topic.length() < 320))) {
            throw HttpError.badRequest("topic must be 'overview' or 'job:<queue>/<id>'");
        }
        if (topic.startsWith("job:")) {
            String ref = topic.substring(4);
            JobPage.find(ctx, ref.substring(0, ref.indexOf('/')), ref.substring(ref.indexOf('/') + 1));
        }
        LiveFeed.Subscription sub = app.live().subscribe(topic);
        if (sub == null) {
            throw new HttpError(503, "too many live pages are open; this one updates when reloaded");
        }
        try (sub) {
            Response head = Response.eventStream();
            secure(head);
            OutputStream out = ctx.req().exchange().stream(head);
            Instant end = app.clock().instant().plus(STREAM_LIFE);
            out.write(("retry: " + Math.max(1000, app.live().interval().toMillis()) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (app.clock().instant().isBefore(end)) {
                String update = sub.next(Duration.ofSeconds(15));
                out.write((update == null ? ": keep-alive\n\n" : "data: " + update + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Response error(Exchange ex, int status, String message) {
        String path = ex.path();
        if (path.equals("/metrics") || path.equals("/metrics/")) {
            return Response.text(status, message);
        }
        if (path.startsWith("/api/") || path.equals("/api") || path.equals("/live")) {
            return Response.json(status, Map.of("error", message));
        }
        return Response.html(status, ErrorPage.render(ex, status, message));
    }

    private void send(Exchange ex, Response r) throws IOException {
        if (ex.method().equals("HEAD")) {
            // The headers a GET would get, no body: the JDK server refuses (and logs) a body for a HEAD.
            Response head = Response.bytes(r.status(), null, new byte[0]);
            r.headers().forEach(h -> head.header(h.getKey(), h.getValue()));
            r = head;
        }
        String c = pendingCookie.get();
        if (c != null) {
            pendingCookie.remove();
            r.header("Set-Cookie", c);
        }
        secure(r);
        ex.send(r);
    }

    private static void secure(Response r) {
        r.header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "same-origin")
                .header("Cross-Origin-Opener-Policy", "same-origin");
        if (!r.has("Cache-Control")) {
            r.header("Cache-Control", "no-store");
        }
    }

    /** Thrown after the live feed wrote its response, so nothing else is sent. */
    private static final class Streamed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Streamed() {
            super(null, null, false, false);
        }
    }
}
