package io.jrq.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority with a server certificate (for {@code 127.0.0.1} and
 * {@code localhost}) and a client certificate, made at test time with the {@code openssl} command
 * line tool. Keys are EC P-256 in PKCS#8 PEM form, unencrypted; everything is valid for two days.
 *
 * <pre>{@code
 * TlsCertificates certs = TlsCertificates.generate(tempDir);
 * try (RedisServer redis = RedisServer.builder().tls(certs, false).start()) {
 *   // rediss:// redis.tlsUrl(), trusting certs.caCert()
 * }
 * }</pre>
 */
public final class TlsCertificates {
    private static final long OPENSSL_TIMEOUT_SECONDS = 60;

    private final Path dir;

    private TlsCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * Creates a new CA and the certificates it signs in a directory.
     *
     * @param dir an existing, writable directory, one per set of certificates
     * @return the certificates
     * @throws IllegalStateException when openssl is missing or fails (the message holds its output)
     */
    public static TlsCertificates generate(Path dir) {
        return generate(dir, "IP:127.0.0.1,DNS:localhost");
    }

    /**
     * Skips the calling test when the openssl command is missing (fails it under
     * {@link Requirements#STRICT}), so that TLS tests need no more than a JDK and Maven to pass.
     */
    public static void requireOpenssl() {
        Requirements.require(
                Requirements.onPath("openssl"), "openssl not found on the PATH (Debian: apt-get install openssl)");
    }

    /**
     * Like {@link #generate(Path)}, with a server certificate naming other hosts, e.g. to check that a
     * client verifies the host name.
     *
     * @param dir an existing, writable directory
     * @param serverNames the server certificate's subject alternative names, in openssl syntax
     *     ({@code DNS:example.org,IP:10.0.0.1})
     * @return the certificates
     */
    public static TlsCertificates generate(Path dir, String serverNames) {
        TlsCertificates c = new TlsCertificates(dir);
        c.openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "2",
                "-subj",
                "/CN=jrq test CA " + dir.getFileName(),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign");
        c.issue("server", "/CN=jrq test server", "subjectAltName=" + serverNames + "\nextendedKeyUsage=serverAuth\n");
        c.issue("client", "/CN=jrq test client", "extendedKeyUsage=clientAuth\n");
        return c;
    }

    private void issue(String name, String subject, String extensions) {
        write(name + ".ext", extensions);
        openssl(
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                name + ".key",
                "-out",
                name + ".csr",
                "-subj",
                subject);
        openssl(
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                name + ".crt",
                "-days",
                "2",
                "-extfile",
                name + ".ext");
    }

    /** @return the CA certificate (PEM) that signed the server and client certificates */
    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    /** @return the server certificate (PEM), valid for 127.0.0.1 and localhost */
    public Path serverCert() {
        return dir.resolve("server.crt");
    }

    /** @return the server's private key (PKCS#8 PEM) */
    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /** @return the client certificate (PEM) for mutual TLS */
    public Path clientCert() {
        return dir.resolve("client.crt");
    }

    /** @return the client's private key (PKCS#8 PEM) */
    public Path clientKey() {
        return dir.resolve("client.key");
    }

    private void write(String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void openssl(String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        try {
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(log.toFile()))
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "openssl did not finish within " + OPENSSL_TIMEOUT_SECONDS + " s: " + command);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("openssl failed (" + p.exitValue() + "): " + command + "\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }
}
