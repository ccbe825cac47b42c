package io.jrq.spring;

import io.jrq.Jrq;
import io.jrq.JrqMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * jrq's Micrometer meters ({@link JrqMetrics}, docs/METRICS.md) as a
 * {@link io.micrometer.core.instrument.binder.MeterBinder} bean, which Spring Boot's metrics support
 * binds to the application's {@link MeterRegistry}. {@code jrq.metrics.enabled=false} turns it off.
 */
@AutoConfiguration(after = JrqAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(Jrq.class)
@ConditionalOnProperty(prefix = "jrq.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
public class JrqMetricsAutoConfiguration {
    /**
     * @param jrq the client
     * @param properties {@code jrq.*}
     * @return the binder, closed with the context
     */
    @Bean
    @ConditionalOnMissingBean
    public JrqMetrics jrqMetrics(Jrq jrq, JrqProperties properties) {
        JrqProperties.Metrics m = properties.getMetrics();
        try {
            return new JrqMetrics(jrq)
                    .interval(m.getInterval())
                    .queueGauges(m.isQueueGauges())
                    .histograms(m.isHistograms());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid jrq.metrics.* settings: " + e.getMessage(), e);
        }
    }
}
