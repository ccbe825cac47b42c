package io.jrq.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrq.Job;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.RedisUnavailableException;
import io.jrq.Worker;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisServer;
import io.jrq.testkit.TlsCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against real redis-server processes listening for TLS, with a throwaway CA made by openssl:
 * the happy path end to end (enqueue, worker, result pushed over pub/sub), mutual TLS, and every way
 * a misconfiguration must fail loudly instead of talking plaintext or trusting a stranger.
 */
class TlsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Failures must come quickly and clearly, not as a command timeout. */
    private static final Duration SHORT = Duration.ofSeconds(3);

    @TempDir
    static Path tmp;

    static TlsCertificates certs;
    static TlsCertificates stranger;
    static RedisServer tls;
    static RedisServer mutual;
    static RedisServer plain;

    @BeforeAll
    static void start() throws Exception {
        TlsCertificates.requireOpenssl();
        certs = TlsCertificates.generate(Files.createDirectory(tmp.resolve("ca")));
        stranger = TlsCertificates.generate(Files.createDirectory(tmp.resolve("other-ca")));
        tls = RedisServer.builder().tls(certs, false).start();
        mutual = RedisServer.builder().tls(certs, true).start();
        plain = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        for (RedisServer s : new RedisServer[] {tls, mutual, plain}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** Connects, expecting a failure; prints its message, which is what a user would read. */
    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refused(
            String what, JrqOptions options) {
        long start = System.nanoTime();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> Jrq.connect(options).close());
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("TlsIT: " + what + " -> " + ms + " ms: " + t);
        // A misconfiguration fails at connect, within the connect and handshake timeouts, not after minutes.
        assertThat(ms).as(what).isLessThan(30_000);
        return assertThat(t).as(what).isInstanceOf(RedisUnavailableException.class);
    }

    private static JrqOptions.Builder options(String url) {
        return JrqOptions.builder().url(url).commandTimeout(SHORT);
    }

    private static void runsAJob(Jrq jrq) {
        String q = "tls-" + UUID.randomUUID().toString().substring(0, 8);
        try (Worker w = jrq.worker(q)
                .allowPackages("io.jrq.testjobs")
                .handleSignals(false)
                .start()) {
            Job<Integer> job = jrq.queue(q).enqueue(Jobs::add, 20, 22);
            // await() waits on the pub/sub event, so the subscription works over TLS too.
            assertThat(job.await(WAIT)).isEqualTo(42);
            assertThat(jrq.admin().workers()).anyMatch(i -> i.name().equals(w.name()));
        }
    }

    @Test
    void redissWithTheRightCaRunsJobsEndToEnd() {
        try (Jrq jrq =
                Jrq.connect(options(tls.tlsUrl()).tlsCaFile(certs.caCert()).build())) {
            assertThat(jrq.options().tls()).isTrue();
            runsAJob(jrq);
        }
    }

    @Test
    void theHostNameIsCheckedAgainstTheCertificate() {
        // The server certificate names 127.0.0.1 and localhost: both verify.
        try (Jrq jrq = Jrq.connect(options("rediss://localhost:" + tls.tlsPort())
                .tlsCaFile(certs.caCert())
                .build())) {
            assertThat(jrq.admin().workers()).isNotNull();
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        // Signed by the trusted CA, but for another name: only host name verification can catch it.
        TlsCertificates elsewhere =
                TlsCertificates.generate(Files.createDirectory(tmp.resolve("elsewhere")), "DNS:redis.example.org");
        try (RedisServer other = RedisServer.builder().tls(elsewhere, false).start()) {
            refused(
                            "server certificate for another host",
                            options(other.tlsUrl())
                                    .tlsCaFile(elsewhere.caCert())
                                    .build())
                    .hasMessageContaining("certificate could not be verified");
        }
    }

    @Test
    void mutualTlsNeedsTheClientCertificate() {
        try (Jrq jrq = Jrq.connect(options(mutual.tlsUrl())
                .tlsCaFile(certs.caCert())
                .tlsClientCertificate(certs.clientCert(), certs.clientKey())
                .build())) {
            runsAJob(jrq);
        }
        refused(
                        "mutual TLS without a client certificate",
                        options(mutual.tlsUrl()).tlsCaFile(certs.caCert()).build())
                .hasMessageContaining("127.0.0.1:" + mutual.tlsPort())
                .hasMessageContaining("refused this client's certificate");
    }

    @Test
    void aServerCertificateFromAnUnknownCaIsRefused() {
        refused(
                        "server certificate from an unknown CA",
                        options(tls.tlsUrl()).tlsCaFile(stranger.caCert()).build())
                .hasMessageContaining("127.0.0.1:" + tls.tlsPort())
                .hasMessageContaining("certificate could not be verified");
        // Nor does the JVM's default trust store know the throwaway CA.
        refused(
                        "rediss:// with the JVM's default trust store",
                        options(tls.tlsUrl()).build())
                .hasMessageContaining("certificate could not be verified");
    }

    @Test
    void aPlaintextUrlAgainstTheTlsPortFailsClearly() {
        refused(
                        "redis:// against the TLS port",
                        options("redis://127.0.0.1:" + tls.tlsPort()).build())
                .hasMessageContaining("127.0.0.1:" + tls.tlsPort())
                .hasMessageContaining("use rediss://");
    }

    @Test
    void aTlsClientAgainstAPlaintextServerFailsClearly() {
        refused(
                        "rediss:// against a plaintext server",
                        options("rediss://127.0.0.1:" + plain.port())
                                .tlsCaFile(certs.caCert())
                                .build())
                .hasMessageContaining("127.0.0.1:" + plain.port())
                .hasMessageContaining("is the server listening for TLS on this port?");
    }

    @Test
    void aClientConfiguredForTlsNeverFallsBackToPlaintext() {
        // A CA file turns TLS on even for a redis:// URL: the plaintext server is refused...
        refused(
                        "redis:// with a TLS CA file against a plaintext server",
                        options(plain.url()).tlsCaFile(certs.caCert()).build())
                .hasMessageContaining("TLS");
        // ...and the TLS port is spoken to in TLS.
        try (Jrq jrq = Jrq.connect(options("redis://127.0.0.1:" + tls.tlsPort())
                .tlsCaFile(certs.caCert())
                .build())) {
            assertThat(jrq.options().tls()).isTrue();
            runsAJob(jrq);
        }
    }

    @Test
    void mutualTlsWithManagersTheApplicationLoaded() throws Exception {
        // As a framework hands over its SSL bundle: the material is already in memory, no files.
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store(ks -> ks.setCertificateEntry("ca", certificate(certs.caCert()))));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        char[] pw = "in-memory".toCharArray();
        keys.init(
                store(ks -> ks.setKeyEntry(
                        "client", privateKey(certs.clientKey()), pw, new java.security.cert.Certificate[] {
                            certificate(certs.clientCert())
                        })),
                pw);
        JrqOptions options = options(mutual.tlsUrl()).tlsManagers(trust, keys).build();
        assertThat(options.tls()).isTrue();
        try (Jrq jrq = Jrq.connect(options)) {
            runsAJob(jrq);
        }
        refused(
                        "mutual TLS with trust managers but no key managers",
                        options(mutual.tlsUrl()).tlsManagers(trust, null).build())
                .isInstanceOf(RedisUnavailableException.class);
        assertThatThrownBy(() -> options(tls.tlsUrl())
                        .tlsManagers(trust, null)
                        .tlsCaFile(certs.caCert())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> options(tls.tlsUrl())
                        .tlsManagers(null, keys)
                        .tlsClientCertificate(certs.clientCert(), certs.clientKey())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("given twice");
    }

    private interface Fill {
        void into(KeyStore ks) throws Exception;
    }

    private static KeyStore store(Fill fill) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        fill.into(ks);
        return ks;
    }

    private static java.security.cert.Certificate certificate(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String base64 =
                Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (java.security.spec.InvalidKeySpecException notRsa) {
            return KeyFactory.getInstance("EC").generatePrivate(spec);
        }
    }

    @Test
    void missingTlsFilesAreRefusedAtConfiguration() {
        assertThatThrownBy(() -> JrqOptions.builder().tlsCaFile(tmp.resolve("nope.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.pem")
                .hasMessageContaining("not a readable file");
        assertThatThrownBy(() -> JrqOptions.builder().tlsClientCertificate(certs.clientCert(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both");
    }
}
