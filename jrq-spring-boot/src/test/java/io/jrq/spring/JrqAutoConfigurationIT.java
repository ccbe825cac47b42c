package io.jrq.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Admin;
import io.jrq.InstanceResolver;
import io.jrq.Jrq;
import io.jrq.JrqMetrics;
import io.jrq.JrqOptions;
import io.jrq.dashboard.Dashboard;
import io.jrq.spring.internal.ContextInstanceResolver;
import io.jrq.spring.internal.JrqEndpoint;
import io.jrq.spring.internal.JrqHealthIndicator;
import io.jrq.spring.internal.WorkerLifecycle;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/** The auto-configuration's beans, properties and conditions, against the test kit's shared Redis. */
@ExtendWith(RedisExtension.class)
class JrqAutoConfigurationIT {
    private static final AutoConfigurations ALL = AutoConfigurations.of(
            JrqAutoConfiguration.class,
            JrqHealthAutoConfiguration.class,
            JrqEndpointAutoConfiguration.class,
            JrqMetricsAutoConfiguration.class,
            JrqDashboardAutoConfiguration.class);

    private ApplicationContextRunner runner;
    private RedisServer redis;

    @BeforeEach
    void setUp(RedisServer redis) {
        this.redis = redis;
        this.runner = new ApplicationContextRunner()
                .withConfiguration(ALL)
                .withPropertyValues(
                        "spring.data.redis.host=" + redis.host(),
                        "spring.data.redis.port=" + redis.port(),
                        "management.endpoints.web.exposure.include=jrq");
    }

    @Test
    void defaultsGiveClientAdminRecurringAndResolverButNoWorker() {
        runner.run(ctx -> {
            assertThat(ctx)
                    .hasNotFailed()
                    .hasSingleBean(Jrq.class)
                    .hasSingleBean(Admin.class)
                    .hasSingleBean(io.jrq.Recurring.class)
                    .hasSingleBean(JrqHealthIndicator.class)
                    .hasSingleBean(JrqEndpoint.class)
                    .hasSingleBean(JrqMetrics.class)
                    .doesNotHaveBean(WorkerLifecycle.class)
                    .doesNotHaveBean(Dashboard.class);
            assertThat(ctx.getBean(InstanceResolver.class)).isInstanceOf(ContextInstanceResolver.class);
            JrqOptions o = ctx.getBean(JrqOptions.class);
            assertThat(o.url()).isEqualTo("redis://" + redis.host() + ":" + redis.port());
            assertThat(o.keyPrefix()).isEqualTo("jrq");
            assertThat(o.resultTtl()).isEqualTo(Duration.ofSeconds(500));
            ctx.getBean(Admin.class).queues();
        });
    }

    @Test
    void everyClientPropertyReachesTheOptions() {
        runner.withPropertyValues(
                        "jrq.url=" + redis.url(),
                        "spring.data.redis.port=1",
                        "jrq.key-prefix=app1",
                        "jrq.result-ttl=1h",
                        "jrq.failure-ttl=2d",
                        "jrq.failed-jobs-max=50",
                        "jrq.finished-jobs-max=60",
                        "jrq.max-payload-bytes=4096",
                        "jrq.command-timeout=3s")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    JrqOptions o = ctx.getBean(JrqOptions.class);
                    assertThat(o.url()).isEqualTo(redis.url());
                    assertThat(o.keyPrefix()).isEqualTo("app1");
                    assertThat(o.resultTtl()).isEqualTo(Duration.ofHours(1));
                    assertThat(o.failureTtl()).isEqualTo(Duration.ofDays(2));
                    assertThat(o.failedJobsMax()).isEqualTo(50);
                    assertThat(o.finishedJobsMax()).isEqualTo(60);
                    assertThat(o.maxPayloadBytes()).isEqualTo(4096);
                    assertThat(o.commandTimeout()).isEqualTo(Duration.ofSeconds(3));
                });
    }

    @Test
    void workerPropertiesAndItsLifecycle() {
        runner.withPropertyValues(
                        "jrq.worker.enabled=true",
                        "jrq.worker.queues=high,low",
                        "jrq.worker.concurrency=3",
                        "jrq.worker.allowed-packages=io.jrq.spring",
                        "jrq.worker.lease=5s",
                        "jrq.worker.heartbeat=1s",
                        "jrq.worker.reap-interval=1s",
                        "jrq.worker.max-recoveries=2",
                        "jrq.worker.job-timeout=1m",
                        "jrq.worker.shutdown-grace=4s",
                        "jrq.worker.name=ctx-it-worker",
                        "jrq.worker.retry.max-attempts=3",
                        "jrq.worker.retry.backoff=fixed",
                        "jrq.worker.retry.delay=2s",
                        "jrq.worker.quick-recovery=false",
                        "spring.lifecycle.timeout-per-shutdown-phase=20s")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    WorkerLifecycle w = ctx.getBean(WorkerLifecycle.class);
                    assertThat(w.isRunning()).isTrue();
                    assertThat(w.shutdownGrace()).isEqualTo(Duration.ofSeconds(4));
                    assertThat(w.worker()).hasValueSatisfying(worker -> {
                        assertThat(worker.name()).isEqualTo("ctx-it-worker");
                        assertThat(worker.queues()).containsExactly("high", "low");
                    });
                    assertThat(ctx.getBean(Admin.class).workers()).anySatisfy(i -> {
                        assertThat(i.name()).isEqualTo("ctx-it-worker");
                        assertThat(i.concurrency()).isEqualTo(3);
                    });
                });
    }

    @Test
    void userBeansWin() {
        runner.withBean("myJrq", Jrq.class, () -> Jrq.connect(redis.url()))
                .withBean("myResolver", InstanceResolver.class, () -> InstanceResolver.constructors())
                .withBean("myMetrics", JrqMetrics.class, () -> null)
                .withPropertyValues("spring.data.redis.port=1")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed().hasSingleBean(Jrq.class).hasSingleBean(InstanceResolver.class);
                    assertThat(ctx.getBean(InstanceResolver.class)).isNotInstanceOf(ContextInstanceResolver.class);
                    assertThat(ctx).getBeanNames(JrqMetrics.class).containsExactly("myMetrics");
                });
    }

    @Test
    void featuresTurnOff() {
        runner.withPropertyValues(
                        "jrq.metrics.enabled=false",
                        "management.health.jrq.enabled=false",
                        "management.endpoint.jrq.access=NONE")
                .run(ctx -> {
                    assertThat(ctx)
                            .hasNotFailed()
                            .hasSingleBean(Jrq.class)
                            .doesNotHaveBean(JrqMetrics.class)
                            .doesNotHaveBean(JrqHealthIndicator.class)
                            .doesNotHaveBean(JrqEndpoint.class);
                });
    }

    @Test
    void optionalDependenciesMissing() {
        runner.withClassLoader(new FilteredClassLoader(
                        "io.micrometer",
                        "org.springframework.boot.health",
                        "org.springframework.boot.actuate",
                        "io.jrq.dashboard"))
                .run(ctx -> {
                    assertThat(ctx)
                            .hasNotFailed()
                            .hasSingleBean(Jrq.class)
                            .doesNotHaveBean("jrqMetrics")
                            .doesNotHaveBean("jrqHealthIndicator")
                            .doesNotHaveBean("jrqEndpoint");
                });
    }

    @Test
    void dashboardOnlyInAServletAppAndWhenEnabled() {
        runner.withPropertyValues("jrq.dashboard.enabled=true")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(Dashboard.class));
        WebApplicationContextRunner web =
                new WebApplicationContextRunner().withConfiguration(ALL).withPropertyValues("jrq.url=" + redis.url());
        web.run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(Dashboard.class));
        web.withPropertyValues(
                        "jrq.dashboard.enabled=true", "jrq.dashboard.path=/ops/jobs", "jrq.dashboard.read-only=true")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed().hasSingleBean(Dashboard.class);
                    ServletRegistrationBean<?> reg = ctx.getBean("jrqDashboardServlet", ServletRegistrationBean.class);
                    assertThat(reg.getUrlMappings()).containsExactly("/ops/jobs/*");
                });
        web.withPropertyValues("jrq.dashboard.enabled=true", "jrq.dashboard.path=/jrq/")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("jrq.dashboard.path");
                });
    }

    @Test
    void badPropertiesFailTheStartNamingTheProperty() {
        failsWith(runner.withPropertyValues("jrq.key-prefix=a:b"), "jrq.key-prefix", "a:b");
        failsWith(runner.withPropertyValues("jrq.result-ttl=10ms"), "jrq.result-ttl");
        failsWith(runner.withPropertyValues("jrq.url=localhost:6379"), "jrq.url", "redis://");
        failsWith(
                runner.withPropertyValues("jrq.worker.enabled=true", "jrq.worker.concurrency=0"),
                "jrq.worker.concurrency");
        failsWith(
                runner.withPropertyValues("jrq.worker.enabled=true", "jrq.worker.queues=bad queue"),
                "jrq.worker.queues");
        failsWith(
                runner.withPropertyValues("jrq.worker.enabled=true", "jrq.worker.allowed-packages=com..x"),
                "jrq.worker.allowed-packages");
        failsWith(
                runner.withPropertyValues("jrq.worker.enabled=true", "jrq.worker.lease=2s", "jrq.worker.heartbeat=3s"),
                "heartbeatInterval");
        failsWith(
                runner.withPropertyValues(
                        "jrq.worker.enabled=true", "jrq.worker.retry.max-attempts=3", "jrq.worker.retry.jitter=2"),
                "jrq.worker.retry",
                "jitter");
        failsWith(
                runner.withPropertyValues("spring.data.redis.ssl.bundle=nope"), "spring.data.redis.ssl.bundle", "nope");
    }

    private static void failsWith(ApplicationContextRunner r, String... parts) {
        r.run(ctx -> {
            assertThat(ctx).hasFailed();
            StringBuilder all = new StringBuilder();
            for (Throwable t = ctx.getStartupFailure(); t != null; t = t.getCause()) {
                all.append(t.getMessage()).append('\n');
            }
            assertThat(all.toString()).contains(parts);
        });
    }
}
