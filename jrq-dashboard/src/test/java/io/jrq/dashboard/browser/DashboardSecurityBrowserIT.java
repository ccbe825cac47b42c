package io.jrq.dashboard.browser;

import static io.jrq.dashboard.browser.LiveDashboard.PASSWORD;
import static io.jrq.dashboard.browser.LiveDashboard.USER;
import static io.jrq.dashboard.browser.LiveDashboard.pageText;
import static io.jrq.dashboard.browser.LiveDashboard.queueName;
import static io.jrq.dashboard.browser.LiveDashboard.textOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * What the dashboard refuses, seen from a browser: a page of another origin that makes the browser
 * POST an action with the operator's session, a forged CSRF token, and requests without a session.
 */
class DashboardSecurityBrowserIT extends BrowserTestBase {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** Another origin (another port) serving pages that attack the dashboard; no CSP, so inline script runs. */
    private static HttpServer attacker;

    private static final Map<String, String> ATTACK_PAGES = new ConcurrentHashMap<>();

    @BeforeAll
    static void startAttacker() throws IOException {
        attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        attacker.createContext("/", ex -> {
            try (ex) {
                String page = ATTACK_PAGES.get(ex.getRequestURI().getPath());
                byte[] body = (page == null ? "no such page" : page).getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", page == null ? "text/plain" : "text/html; charset=utf-8");
                ex.sendResponseHeaders(page == null ? 404 : 200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        attacker.start();
    }

    @AfterAll
    static void stopAttacker() {
        if (attacker != null) {
            attacker.stop(0);
        }
    }

    @Test
    void aPageOfAnotherOriginCannotPauseAQueueWithTheOperatorsSession() {
        String q = queueName("billing");
        dash.jrq.queue(q).enqueue("invoice", 42);
        dash.login(browser);
        driver().get(dash.url("queues/" + q));
        assertThat(textOf(driver().findElement(By.tagName("h1")))).isEqualTo("Queue " + q);
        String pause = dash.url("queues/" + q + "/pause");

        // Same host, another port: same site, so the browser does send the SameSite=Strict cookie; the
        // dashboard must refuse by itself (the session is valid, hence 403 and not 401).
        String attackerOrigin = "http://127.0.0.1:" + attacker.getAddress().getPort();
        for (String csrf : new String[] {null, "forged-token", ""}) {
            assertThat(visitAttack(attackerOrigin, pause, csrf)).isEqualTo(403);
            assertThat(textOf(driver().findElement(By.tagName("h1")))).isEqualTo("403 Forbidden");
            assertThat(pageText(browser)).contains("cross-site request refused");
            assertThat(dash.jrq.admin().queue(q).paused())
                    .as("paused by a page of " + attackerOrigin)
                    .isFalse();
        }

        // Another site (localhost is not 127.0.0.1): the cookie stays home, so the answer is 401 (and
        // the browser, told Basic authentication would do, shows its own login prompt instead of a page).
        String otherSite = "http://localhost:" + attacker.getAddress().getPort();
        assertThat(visitAttack(otherSite, pause, "forged-token")).isIn(401, 403);
        assertThat(dash.jrq.admin().queue(q).paused()).isFalse();

        // The session survived all that, and the real button works.
        driver().get(dash.url("queues/" + q));
        driver().findElement(By.xpath("//button[normalize-space()='Pause']")).click();
        browser.waitUpTo(WAIT)
                .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.flash"), "Paused " + q));
        assertThat(dash.jrq.admin().queue(q).paused()).isTrue();
    }

    @Test
    void aForgedCsrfTokenOnTheDashboardsOwnPageIsRefused() {
        String q = queueName("ledger");
        dash.jrq.queue(q).enqueue("post", 1);
        dash.login(browser);
        driver().get(dash.url("queues/" + q));
        // same origin, valid session: only the token is wrong
        browser.js(
                "document.querySelectorAll('input[name=_csrf]').forEach(function (i) { i.value = 'forged-' + i.value.substring(7); })");
        driver().findElement(By.xpath("//button[normalize-space()='Pause']")).click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBe(By.tagName("h1"), "403 Forbidden"));
        assertThat(pageText(browser)).contains("CSRF token");
        assertThat(dash.jrq.admin().queue(q).paused()).isFalse();
    }

    @Test
    void withoutASessionPagesSendToTheLoginAndTheApiAnswers401() throws Exception {
        String q = queueName("secret");
        dash.jrq.queue(q).enqueue("classified", "x");

        driver().get(dash.url("queues/" + q));
        browser.waitUpTo(WAIT).until(ExpectedConditions.urlContains("/jrq/login"));
        assertThat(driver().getCurrentUrl())
                .isEqualTo(dash.url("login?next=" + URLEncoder.encode("/queues/" + q, StandardCharsets.UTF_8)));
        assertThat(driver().findElements(By.cssSelector("input[type=password]")))
                .hasSize(1);
        assertThat(pageText(browser)).doesNotContain(q);
        // logging in there leads back to the page asked for
        driver().findElement(By.name("user")).sendKeys(USER);
        driver().findElement(By.name("password")).sendKeys(PASSWORD);
        driver().findElement(By.cssSelector("button[type=submit]")).click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.urlToBe(dash.url("queues/" + q)));
        assertThat(textOf(driver().findElement(By.tagName("h1")))).isEqualTo("Queue " + q);

        String api = dash.url("api/queues");
        HttpResponse<String> none = get(api, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic "));
        assertThat(none.body()).doesNotContain(q);

        HttpResponse<String> wrong = get(api, basic(USER, "not-the-password"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(q);

        HttpResponse<String> right = get(api, basic(USER, PASSWORD));
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode queues = new ObjectMapper().readTree(right.body());
        List<String> names = new ArrayList<>();
        queues.forEach(n -> names.add(n.path("name").asText()));
        assertThat(names).contains(q);

        // the status behind the login form's "Wrong user name or password."
        HttpResponse<String> badLogin = HTTP.send(
                HttpRequest.newBuilder(URI.create(dash.url("login")))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("user=" + USER + "&password=nope-nope-nope"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badLogin.statusCode()).isEqualTo(401);
        assertThat(badLogin.body()).contains("Wrong user name or password.").doesNotContain(q);
        assertThat(badLogin.headers().allValues("Set-Cookie")).isEmpty();
    }

    /**
     * Opens an attacker's page that auto-submits a form to {@code target}, waits for where it lands
     * and returns the HTTP status the dashboard answered with.
     */
    private static int visitAttack(String origin, String target, String csrf) {
        String path = "/prize-" + ATTACK_PAGES.size();
        ATTACK_PAGES.put(
                path,
                "<!DOCTYPE html><html><head><title>You won</title></head><body>"
                        + "<form method=\"post\" action=\"" + target + "\">"
                        + (csrf == null ? "" : "<input type=\"hidden\" name=\"_csrf\" value=\"" + csrf + "\">")
                        + "<input type=\"hidden\" name=\"return\" value=\"overview\"></form>"
                        + "<script>document.forms[0].submit()</script></body></html>");
        browser.statusOf(target); // forget earlier responses
        driver().get(origin + path);
        browser.waitUpTo(WAIT).until(d -> d.getCurrentUrl().startsWith(dash.url("")));
        assertThat(driver().getCurrentUrl())
                .as("where the attack's form landed")
                .isEqualTo(target);
        int[] status = {-1};
        browser.waitUpTo(WAIT).until(d -> (status[0] = browser.statusOf(target)) > 0);
        return status[0];
    }

    private static HttpResponse<String> get(String url, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
