package io.jrq.spring.internal;

import io.jrq.JrqOptions;
import io.jrq.spring.JrqOptionsCustomizer;
import io.jrq.spring.JrqProperties;
import java.util.List;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;

/**
 * Builds the client's {@link JrqOptions} from {@code jrq.*}, and the connection from
 * {@code jrq.url} or else Spring's {@code spring.data.redis.*}, with the trust and key managers of
 * {@code spring.data.redis.ssl.bundle} when it names one.
 */
public final class JrqOptionsFactory {
    private final JrqProperties properties;
    private final SpringRedisSettings redis;
    private final SslBundles sslBundles;
    private final List<JrqOptionsCustomizer> customizers;

    /**
     * @param properties jrq's properties
     * @param redis Spring's Redis settings
     * @param sslBundles the application's SSL bundles, or null when it has none
     * @param customizers run last, in order
     */
    public JrqOptionsFactory(
            JrqProperties properties,
            SpringRedisSettings redis,
            SslBundles sslBundles,
            List<JrqOptionsCustomizer> customizers) {
        this.properties = properties;
        this.redis = redis;
        this.sslBundles = sslBundles;
        this.customizers = customizers;
    }

    /** @return the options */
    public synchronized JrqOptions create() {
        JrqOptions.Builder b = JrqOptions.builder();
        JrqProperties p = properties;
        if (p.getUrl() != null && !p.getUrl().isBlank()) {
            Properties.set("jrq.url", "(set)", () -> b.url(p.getUrl()));
        } else {
            String url;
            try {
                url = redis.toJrqUrl();
            } catch (IllegalStateException e) {
                throw new IllegalStateException("cannot connect jrq from spring.data.redis.*: " + e.getMessage(), e);
            }
            Properties.set("spring.data.redis.*", redis, () -> b.url(url));
            String bundle = redis.sslBundle();
            if (bundle != null) {
                if (sslBundles == null) {
                    throw new IllegalStateException(
                            "spring.data.redis.ssl.bundle=" + bundle + " but the application has no SslBundles");
                }
                try {
                    SslBundleTls.apply(bundle, sslBundles.getBundle(bundle), b);
                } catch (NoSuchSslBundleException e) {
                    throw new IllegalStateException(
                            "spring.data.redis.ssl.bundle names no SSL bundle: '" + bundle + "'", e);
                }
            }
        }
        Properties.set("jrq.key-prefix", p.getKeyPrefix(), () -> b.keyPrefix(p.getKeyPrefix()));
        Properties.set("jrq.result-ttl", p.getResultTtl(), () -> b.resultTtl(p.getResultTtl()));
        Properties.set("jrq.failure-ttl", p.getFailureTtl(), () -> b.failureTtl(p.getFailureTtl()));
        Properties.set("jrq.failed-jobs-max", p.getFailedJobsMax(), () -> b.failedJobsMax(p.getFailedJobsMax()));
        Properties.set(
                "jrq.finished-jobs-max", p.getFinishedJobsMax(), () -> b.finishedJobsMax(p.getFinishedJobsMax()));
        Properties.set(
                "jrq.max-payload-bytes", p.getMaxPayloadBytes(), () -> b.maxPayloadBytes(p.getMaxPayloadBytes()));
        Properties.set("jrq.command-timeout", p.getCommandTimeout(), () -> b.commandTimeout(p.getCommandTimeout()));
        customizers.forEach(c -> c.customize(b));
        return b.build();
    }
}
