package io.jrq.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.Job;
import io.jrq.JobContext;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.spring.internal.JrqHealthIndicator;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/** A whole Spring Boot application with its worker, against a real Redis. */
@ExtendWith(RedisExtension.class)
class SpringWorkerIT {

    /** The bean instance-method jobs run on; the greeting comes from the application's own state. */
    @Component
    static class Greeter {
        final String greeting;
        final AtomicInteger digests = new AtomicInteger();
        final CopyOnWriteArrayList<String> sent = new CopyOnWriteArrayList<>();

        Greeter(Settings settings) {
            this.greeting = settings.greeting();
        }

        public String greet(String who) {
            return greeting + ", " + who;
        }

        public String sleep(Integer ms) throws InterruptedException {
            Thread.sleep(ms);
            return "slept " + ms;
        }

        @JrqHandler("send-email")
        String send(String to, JobContext ctx) {
            sent.add(to);
            return "sent to " + to + " from " + ctx.queue();
        }

        @Recurring(name = "${test.recurring-name}", interval = "1s", queue = "${test.queue}")
        void digest(JobContext ctx) {
            digests.incrementAndGet();
        }
    }

    record Settings(String greeting) {}

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        Settings settings() {
            return new Settings("Hello");
        }

        @Bean
        Greeter greeter(Settings settings) {
            return new Greeter(settings);
        }
    }

    private static ConfigurableApplicationContext start(RedisServer redis, String queue, String... extra) {
        return new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "jrq.url=" + redis.url(),
                        "jrq.worker.enabled=true",
                        "jrq.worker.queues=" + queue,
                        "jrq.worker.concurrency=2",
                        "jrq.worker.allowed-packages=io.jrq.spring",
                        "test.queue=" + queue,
                        "test.recurring-name=digest-" + queue,
                        "spring.main.banner-mode=off")
                .properties(extra)
                .run();
    }

    @Test
    void runsBeanMethodsHandlersAndRecurringJobsAndReportsHealth(RedisServer redis) {
        String queue = "spring-" + UUID.randomUUID();
        try (ConfigurableApplicationContext ctx = start(redis, queue, "jrq.health.queues=" + queue)) {
            Jrq jrq = ctx.getBean(Jrq.class);
            Greeter greeter = ctx.getBean(Greeter.class);

            Job<String> greeting = jrq.queue(queue).enqueue(Greeter.class, Greeter::greet, "Ann");
            assertThat(greeting.await(Duration.ofSeconds(20))).isEqualTo("Hello, Ann");

            Job<Object> mail = jrq.queue(queue).enqueue("send-email", "bob@example.org");
            assertThat(mail.await(Duration.ofSeconds(20))).isEqualTo("sent to bob@example.org from " + queue);
            assertThat(greeter.sent).containsExactly("bob@example.org");

            assertThat(jrq.recurring().get(queue, "digest-" + queue)).hasValueSatisfying(r -> {
                assertThat(r.interval()).contains(Duration.ofSeconds(1));
                assertThat(r.function()).isEqualTo("recurring.digest-" + queue);
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> greeter.digests.get() >= 2);

            Health health = ctx.getBean(JrqHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsKey("redisRoundTripMs");
            assertThat((Double) health.getDetails().get("redisRoundTripMs"))
                    .isPositive()
                    .isLessThan(1000.0);
            @SuppressWarnings("unchecked")
            Map<String, Object> worker =
                    (Map<String, Object>) health.getDetails().get("worker");
            assertThat(worker).containsEntry("running", true).containsKey("heartbeatAgeMs");
            jrq.recurring().delete(queue, "digest-" + queue);
        }
    }

    @Test
    void aLateQueueMakesTheHealthOutOfService(RedisServer redis) {
        String queue = "spring-late-" + UUID.randomUUID();
        try (ConfigurableApplicationContext ctx =
                start(redis, queue, "jrq.health.max-queue-latency=1s", "jrq.health.queues=" + queue)) {
            Jrq jrq = ctx.getBean(Jrq.class);
            jrq.admin().pause(queue);
            jrq.queue(queue).enqueue(Greeter.class, Greeter::greet, "late");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Health h = ctx.getBean(JrqHealthIndicator.class).health(true);
                assertThat(h.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
                assertThat(h.getDetails()).containsKey("lateQueues");
            });
            jrq.admin().resume(queue);
            jrq.recurring().delete(queue, "digest-" + queue);
        }
    }

    @Test
    void shutdownLetsShortJobsFinishAndGivesTheRestBackWithinThePhaseTimeout(RedisServer redis) {
        String queue = "spring-stop-" + UUID.randomUUID();
        Job<String> quick;
        Job<String> slow;
        long closedInMs;
        ConfigurableApplicationContext ctx =
                start(redis, queue, "spring.lifecycle.timeout-per-shutdown-phase=3s", "jrq.worker.shutdown-grace=30s");
        Jrq jrq = ctx.getBean(Jrq.class);
        jrq.recurring().delete(queue, "digest-" + queue);
        quick = jrq.queue(queue).enqueue(Greeter.class, Greeter::sleep, 1500);
        slow = jrq.queue(queue).enqueue(Greeter.class, Greeter::sleep, 60_000);
        String quickId = quick.id();
        String slowId = slow.id();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> quick.status() == JobStatus.STARTED && slow.status() == JobStatus.STARTED);
        long t0 = System.nanoTime();
        ctx.close();
        closedInMs = (System.nanoTime() - t0) / 1_000_000;

        // Within the 3 s phase (the worker's 30 s grace is capped below it), plus the client's close.
        assertThat(closedInMs).isLessThan(6_000);
        try (Jrq client = Jrq.connect(redis.url())) {
            assertThat(client.queue(queue).job(quickId).orElseThrow().status()).isEqualTo(JobStatus.FINISHED);
            assertThat(client.queue(queue).job(slowId).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
            client.admin().empty(queue);
        }
    }
}
