package io.jrq.spring;

import io.jrq.Jrq;
import io.jrq.dashboard.Dashboard;
import io.jrq.dashboard.DashboardServlet;
import jakarta.servlet.Servlet;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Mounts jrq's dashboard in a servlet web application at {@code jrq.dashboard.path} (default
 * {@code /jrq}) when {@code jrq.dashboard.enabled=true} and jrq-dashboard is on the classpath. The
 * dashboard is built with {@link Dashboard.Builder#applicationAuthenticates()}: the application's
 * own security (Spring Security) must guard that path; the dashboard keeps its CSRF check and
 * same-origin rule for every change.
 */
@AutoConfiguration(after = JrqAutoConfiguration.class)
@ConditionalOnClass({Dashboard.class, Servlet.class, ServletRegistrationBean.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(Jrq.class)
@ConditionalOnProperty(prefix = "jrq.dashboard", name = "enabled", havingValue = "true")
public class JrqDashboardAutoConfiguration {
    /**
     * @param jrq the client
     * @param properties {@code jrq.*}
     * @return the dashboard, closed with the context
     */
    @Bean
    @ConditionalOnMissingBean
    public Dashboard jrqDashboard(Jrq jrq, JrqProperties properties) {
        JrqProperties.Dashboard d = properties.getDashboard();
        return Dashboard.builder(jrq)
                .applicationAuthenticates()
                .readOnly(d.isReadOnly())
                .behindTlsProxy(d.isBehindTlsProxy())
                .build();
    }

    /**
     * @param dashboard the dashboard
     * @param properties {@code jrq.*}
     * @return its servlet, mapped under the path
     */
    @Bean
    @ConditionalOnMissingBean(name = "jrqDashboardServlet")
    public ServletRegistrationBean<DashboardServlet> jrqDashboardServlet(
            Dashboard dashboard, JrqProperties properties) {
        String path = properties.getDashboard().getPath();
        if (path == null || !path.matches("(/[A-Za-z0-9._~-]+)+")) {
            throw new IllegalStateException(
                    "jrq.dashboard.path must be a path such as /jrq or /ops/jrq (no trailing slash or"
                            + " wildcard), got: '" + path + "'");
        }
        ServletRegistrationBean<DashboardServlet> bean =
                new ServletRegistrationBean<>(new DashboardServlet(dashboard), path + "/*");
        bean.setName("jrqDashboard");
        // Live pages hold a request open; async support lets the container count them as such.
        bean.setAsyncSupported(true);
        return bean;
    }
}
