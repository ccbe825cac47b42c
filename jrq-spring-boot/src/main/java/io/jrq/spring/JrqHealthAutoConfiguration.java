package io.jrq.spring;

import io.jrq.Admin;
import io.jrq.Jrq;
import io.jrq.spring.internal.JrqHealthIndicator;
import io.jrq.spring.internal.WorkerLifecycle;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code jrq} health indicator, when Spring Boot's health support is on the classpath
 * ({@code management.health.jrq.enabled=false} turns it off).
 */
@AutoConfiguration(after = JrqAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean({Jrq.class, Admin.class})
public class JrqHealthAutoConfiguration {
    /**
     * @param jrq the client
     * @param admin its admin API
     * @param worker this application's worker, if it runs one
     * @param properties {@code jrq.*}
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "jrqHealthIndicator")
    // On the method, not the class: its condition class exists only when the class condition holds.
    @ConditionalOnEnabledHealthIndicator("jrq")
    public JrqHealthIndicator jrqHealthIndicator(
            Jrq jrq, Admin admin, ObjectProvider<WorkerLifecycle> worker, JrqProperties properties) {
        return new JrqHealthIndicator(
                jrq,
                admin,
                worker.getIfAvailable(),
                properties.getHealth().getMaxQueueLatency(),
                properties.getHealth().getQueues(),
                properties.getWorker().getLease(),
                Clock.systemUTC());
    }
}
