package io.jrq.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Jrq;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard mounted in an application's servlet container (Jetty) under the application's own
 * path and security: the application's filter decides who gets in, the dashboard still demands its
 * CSRF token and a same-origin request for a change.
 */
@ExtendWith(RedisExtension.class)
class DashboardServletIT {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @Test
    void mountedUnderTheApplicationsPathAndSecurity(RedisServer redis) throws Exception {
        String queue = "servlet-" + UUID.randomUUID().toString().substring(0, 8);
        try (Jrq jrq = Jrq.connect(redis.url());
                Dashboard dashboard =
                        Dashboard.builder(jrq).applicationAuthenticates().build()) {
            jrq.queue(queue).enqueue("anything", "<i>x</i>");
            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/app");
            context.addServlet(new ServletHolder(new DashboardServlet(dashboard)), "/ops/jrq/*");
            // the application's own security: a request without its header never reaches the dashboard
            Filter appSecurity = (req, resp, chain) -> {
                if (((HttpServletRequest) req).getHeader("X-App-User") == null) {
                    ((HttpServletResponse) resp).sendError(401);
                    return;
                }
                chain.doFilter(req, resp);
            };
            context.addFilter(
                    new FilterHolder(appSecurity), "/ops/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
            jetty.setHandler(context);
            jetty.start();
            try {
                String root = "http://127.0.0.1:" + connector.getLocalPort();
                Http h = new Http(root);
                String mount = "/app/ops/jrq";
                assertThat(h.get(mount + "/").statusCode()).isEqualTo(401);

                HttpResponse<String> page = h.get(mount + "/queues/" + queue, "X-App-User", "ann");
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body())
                        .contains(
                                "src=\"" + mount + "/assets/dashboard.js\"",
                                "href=\"" + mount + "/queues/" + queue + "?state=")
                        .doesNotContain("/login");
                assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
                String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
                assertThat(cookie).contains("Path=" + mount + "/", "HttpOnly", "SameSite=Strict");
                Matcher m = CSRF.matcher(page.body());
                assertThat(m.find()).isTrue();
                String token = m.group(1);
                String session = cookie.substring(0, cookie.indexOf(';'));

                HttpResponse<String> api = h.get(mount + "/api/queues", "X-App-User", "ann");
                assertThat(api.statusCode()).isEqualTo(200);
                assertThat(api.body()).contains("\"name\":\"" + queue + "\"");
                assertThat(h.get(mount + "/assets/dashboard.css", "X-App-User", "ann")
                                .statusCode())
                        .isEqualTo(200);

                String pause = mount + "/queues/" + queue + "/pause";
                assertThat(h.form(pause, "_csrf=" + token, "X-App-User", "ann").statusCode())
                        .as("no session cookie")
                        .isEqualTo(403);
                assertThat(h.form(
                                        pause,
                                        "_csrf=" + token,
                                        "X-App-User",
                                        "ann",
                                        "Cookie",
                                        session,
                                        "Origin",
                                        "http://evil.example")
                                .statusCode())
                        .isEqualTo(403);
                assertThat(jrq.admin().queue(queue).paused()).isFalse();
                HttpResponse<String> ok =
                        h.form(pause, "_csrf=" + token, "X-App-User", "ann", "Cookie", session, "Origin", root);
                assertThat(ok.statusCode()).isEqualTo(303);
                assertThat(ok.headers().firstValue("Location").orElseThrow()).startsWith(mount + "/queues/" + queue);
                assertThat(jrq.admin().queue(queue).paused()).isTrue();
            } finally {
                jetty.stop();
            }
        }
    }
}
