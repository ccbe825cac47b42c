package io.jrq.internal.redis;

import io.jrq.JrqOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;

/**
 * Turns the TLS settings of {@link JrqOptions} into Lettuce's: whether the URIs use TLS, what the
 * server's certificate is checked against, and the client certificate. Verification is always
 * {@link SslVerifyMode#FULL} (chain and host name): there is deliberately no switch to turn it off.
 */
final class TlsConfig {
    private final boolean enabled;
    private final SslOptions sslOptions;

    private TlsConfig(boolean enabled, SslOptions sslOptions) {
        this.enabled = enabled;
        this.sslOptions = sslOptions;
    }

    static TlsConfig of(JrqOptions options) {
        // A plaintext server never answers a ClientHello; fail as fast as a refused connection would.
        SslOptions.Builder b = SslOptions.builder().jdkSslProvider().handshakeTimeout(java.time.Duration.ofSeconds(5));
        if (options.tlsCaFile() != null) {
            b.trustManager(options.tlsCaFile().toFile());
        }
        if (options.tlsTruststore() != null) {
            char[] pw = options.tlsTruststorePassword();
            b.truststore(options.tlsTruststore().toFile(), pw == null ? null : new String(pw));
        }
        if (options.tlsClientCert() != null) {
            b.keyManager(
                    options.tlsClientCert().toFile(), options.tlsClientKey().toFile(), null);
        }
        if (options.tlsTrustManagers() != null) {
            b.trustManager(options.tlsTrustManagers());
        }
        if (options.tlsKeyManagers() != null) {
            b.keyManager(options.tlsKeyManagers());
        }
        return new TlsConfig(options.tls(), b.build());
    }

    /** @return the options for Lettuce's client; used only by connections whose URI asks for TLS */
    SslOptions sslOptions() {
        return sslOptions;
    }

    /**
     * Marks every URI of the endpoint (sentinels too) as TLS with full verification when TLS is on,
     * so a client configured for TLS never connects in plaintext, whatever the URL's scheme.
     */
    RedisEndpoint apply(RedisEndpoint endpoint) {
        if (enabled) {
            for (RedisURI uri : endpoint.uris()) {
                secure(uri);
                if (uri.getSentinels() != null) {
                    uri.getSentinels().forEach(TlsConfig::secure);
                }
            }
        }
        return endpoint;
    }

    private static void secure(RedisURI uri) {
        uri.setSsl(true);
        uri.setVerifyPeer(SslVerifyMode.FULL);
    }
}
