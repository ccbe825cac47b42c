package io.jrq.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Admin;
import io.jrq.JrqOptions;
import io.jrq.testkit.RedisServer;
import io.jrq.testkit.TlsCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code spring.data.redis.ssl.bundle}: a PEM bundle's CA and client certificate reach jrq in
 * memory and carry a mutual-TLS connection to a Redis that requires client certificates.
 */
class SslBundleIT {
    @TempDir
    static Path tmp;

    static TlsCertificates certs;
    static RedisServer mutual;

    @BeforeAll
    static void start() throws Exception {
        TlsCertificates.requireOpenssl();
        certs = TlsCertificates.generate(Files.createDirectory(tmp.resolve("ca")));
        mutual = RedisServer.builder().tls(certs, true).start();
    }

    @AfterAll
    static void stop() {
        if (mutual != null) {
            mutual.close();
        }
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, JrqAutoConfiguration.class))
                .withPropertyValues(
                        "spring.data.redis.host=" + mutual.host(),
                        "spring.data.redis.port=" + mutual.tlsPort(),
                        "spring.ssl.bundle.pem.redis.truststore.certificate=file:" + certs.caCert());
    }

    @Test
    void aPemBundleWithAClientCertificateConnectsOverMutualTls() {
        runner().withPropertyValues(
                        "spring.data.redis.ssl.bundle=redis",
                        "spring.ssl.bundle.pem.redis.keystore.certificate=file:" + certs.clientCert(),
                        "spring.ssl.bundle.pem.redis.keystore.private-key=file:" + certs.clientKey())
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    JrqOptions o = ctx.getBean(JrqOptions.class);
                    assertThat(o.tls()).isTrue();
                    assertThat(o.tlsTrustManagers()).isNotNull();
                    assertThat(o.tlsKeyManagers()).isNotNull();
                    assertThat(ctx.getBean(Admin.class).queues()).isNotNull();
                });
    }

    @Test
    void aBundleWithoutTheClientCertificateIsRefusedByTheServer() {
        runner().withPropertyValues("spring.data.redis.ssl.bundle=redis").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).hasStackTraceContaining("cannot connect");
        });
    }

    @Test
    void aBundleThatDoesNotExistFailsTheStartNamingIt() {
        runner().withPropertyValues("spring.data.redis.ssl.bundle=nope").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).hasStackTraceContaining("names no SSL bundle: 'nope'");
        });
    }
}
