package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobContext;
import io.jrq.Jrq;
import io.jrq.RetryPolicy;
import io.jrq.Worker;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

/** While a job runs, the SLF4J MDC names it: job, queue and attempt, each attempt its own. */
@ExtendWith(RedisExtension.class)
class JobMdcIT {
    @Test
    void theMdcNamesTheRunningJobAndEachAttempt(RedisServer redis) {
        String queue = "mdc-" + UUID.randomUUID().toString().substring(0, 8);
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        try (Jrq jrq = Jrq.connect(redis.url());
                Worker w = jrq.worker(queue)
                        .concurrency(1)
                        .handleSignals(false)
                        .handler("flaky", ctx -> {
                            seen.add(MDC.getCopyOfContextMap());
                            if (ctx.attempt() == 1) {
                                throw new IllegalStateException("first attempt fails");
                            }
                            return "ok";
                        })
                        .handler("plain", ctx -> {
                            seen.add(MDC.getCopyOfContextMap());
                            return "ok";
                        })
                        .start()) {
            Job<Object> flaky = jrq.queue(queue)
                    .with(EnqueueOptions.builder()
                            .retry(RetryPolicy.fixed(2, Duration.ZERO))
                            .build())
                    .enqueue("flaky");
            assertThat(flaky.await(Duration.ofSeconds(20))).isEqualTo("ok");
            Job<Object> plain = jrq.queue(queue).enqueue("plain");
            assertThat(plain.await(Duration.ofSeconds(20))).isEqualTo("ok");

            assertThat(seen)
                    .containsExactly(
                            Map.of(
                                    JobContext.MDC_JOB,
                                    flaky.id(),
                                    JobContext.MDC_QUEUE,
                                    queue,
                                    JobContext.MDC_ATTEMPT,
                                    "1"),
                            Map.of(
                                    JobContext.MDC_JOB,
                                    flaky.id(),
                                    JobContext.MDC_QUEUE,
                                    queue,
                                    JobContext.MDC_ATTEMPT,
                                    "2"),
                            Map.of(
                                    JobContext.MDC_JOB,
                                    plain.id(),
                                    JobContext.MDC_QUEUE,
                                    queue,
                                    JobContext.MDC_ATTEMPT,
                                    "1"));
        }
        // set on the job's thread only, never on the producer's
        assertThat(MDC.get(JobContext.MDC_JOB)).isNull();
    }
}
