package io.jrq.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/** The dashboard and the actuator in a real embedded server, behind the application's Spring Security. */
@ExtendWith(RedisExtension.class)
class DashboardSecurityIT {
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class WebApp {
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated()).httpBasic(Customizer.withDefaults());
            return http.build();
        }

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(User.withUsername("ops")
                    .password("{noop}secret-pw")
                    .roles("OPS")
                    .build());
        }
    }

    private static HttpResponse<String> get(int port, String path, boolean authenticated) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authenticated) {
            b.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString("ops:secret-pw".getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void dashboardHealthAndEndpointAreGuardedByTheApplication(RedisServer redis) throws Exception {
        String queue = "spring-web-" + UUID.randomUUID();
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(WebApp.class)
                .properties(
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "spring.main.banner-mode=off",
                        "spring.data.redis.host=" + redis.host(),
                        "spring.data.redis.port=" + redis.port(),
                        "jrq.dashboard.enabled=true",
                        "jrq.health.queues=" + queue,
                        "management.endpoints.web.exposure.include=health,jrq",
                        "management.endpoint.health.show-details=always")
                .run()) {
            int port = Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));

            HttpResponse<String> anonymous = get(port, "/jrq/", false);
            assertThat(anonymous.statusCode()).isIn(401, 302);
            assertThat(anonymous.body()).doesNotContain("jrq");

            HttpResponse<String> page = get(port, "/jrq/", true);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            assertThat(page.body()).contains("<html").contains("/jrq/");

            assertThat(get(port, "/actuator/health/jrq", false).statusCode()).isEqualTo(401);
            HttpResponse<String> health = get(port, "/actuator/health/jrq", true);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("redisRoundTripMs");

            HttpResponse<String> endpoint = get(port, "/actuator/jrq", true);
            assertThat(endpoint.statusCode()).isEqualTo(200);
            assertThat(endpoint.body()).contains("\"queues\"").contains("\"workers\"");
        }
    }
}
