package io.jrq.spring;

import io.jrq.Admin;
import io.jrq.spring.internal.JrqEndpoint;
import java.time.Clock;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The read-only {@code jrq} actuator endpoint (queues and workers), when the actuator is on the
 * classpath and the endpoint is exposed ({@code management.endpoints.web.exposure.include=jrq}).
 */
@AutoConfiguration(after = JrqAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(Admin.class)
public class JrqEndpointAutoConfiguration {
    /** @param admin the admin API @return the endpoint */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public JrqEndpoint jrqEndpoint(Admin admin) {
        return new JrqEndpoint(admin, Clock.systemUTC());
    }
}
