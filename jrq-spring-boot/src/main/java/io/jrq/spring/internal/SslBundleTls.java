package io.jrq.spring.internal;

import io.jrq.JrqOptions;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * Hands a Spring {@link SslBundle} to jrq: the bundle's trust and key managers go to
 * {@link JrqOptions.Builder#tlsManagers}, in memory (the bundle's key alias is honoured, since
 * Spring builds its key managers with it). The bundle's protocol and cipher options are not carried
 * over: jrq uses the JVM's defaults and always verifies the server's certificate and host name.
 */
final class SslBundleTls {
    private SslBundleTls() {}

    /**
     * @param name the bundle's name, for messages
     * @param bundle the bundle
     * @param options receives the TLS settings
     */
    static void apply(String name, SslBundle bundle, JrqOptions.Builder options) {
        SslStoreBundle stores = bundle.getStores();
        boolean hasTrust = stores != null && stores.getTrustStore() != null;
        boolean hasKeys = stores != null && stores.getKeyStore() != null;
        try {
            TrustManagerFactory trust = hasTrust ? bundle.getManagers().getTrustManagerFactory() : null;
            KeyManagerFactory keys = hasKeys ? bundle.getManagers().getKeyManagerFactory() : null;
            options.tlsManagers(trust, keys);
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not hand SSL bundle '" + name + "' to jrq: " + e.getMessage(), e);
        }
        if (!hasTrust && !hasKeys) {
            // A bundle with neither store still asks for TLS: the JVM's trust store verifies the server.
            options.url(tlsUrl(options.build().url()));
        }
    }

    static String tlsUrl(String url) {
        if (url.startsWith("redis://")) {
            return "rediss://" + url.substring("redis://".length());
        }
        if (url.startsWith("redis-cluster://")) {
            return "rediss-cluster://" + url.substring("redis-cluster://".length());
        }
        return url;
    }
}
