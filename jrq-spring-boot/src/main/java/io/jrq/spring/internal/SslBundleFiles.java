package io.jrq.spring.internal;

import io.jrq.JrqOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.stream.Stream;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * Hands a Spring {@link SslBundle} to jrq. {@link JrqOptions} takes TLS material as files (a trust
 * store, a PEM client certificate and key), not as key stores or an {@code SSLContext}, so the
 * bundle's stores are written to a directory only this process' user can read, deleted when the
 * client closes. The bundle's protocol and cipher options are not carried over: jrq uses the JVM's
 * defaults and always verifies the server's certificate and host name.
 */
public final class SslBundleFiles implements AutoCloseable {
    private final Path dir;

    private SslBundleFiles(Path dir) {
        this.dir = dir;
    }

    /**
     * Writes the bundle's trust store and, when it has one, its client key and certificate, and sets
     * them on the options.
     *
     * @param name the bundle's name, for messages
     * @param bundle the bundle
     * @param options receives the TLS settings
     * @return the files, to close (delete) with the client
     */
    public static SslBundleFiles apply(String name, SslBundle bundle, JrqOptions.Builder options) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jrq-tls-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            SslStoreBundle stores = bundle.getStores();
            KeyStore trust = stores == null ? null : stores.getTrustStore();
            if (trust != null) {
                char[] password = randomPassword();
                Path file = dir.resolve("truststore.p12");
                KeyStore copy = KeyStore.getInstance("PKCS12");
                copy.load(null, null);
                for (String alias : Collections.list(trust.aliases())) {
                    if (trust.isCertificateEntry(alias)) {
                        copy.setCertificateEntry(alias, trust.getCertificate(alias));
                    }
                }
                try (OutputStream out = Files.newOutputStream(file)) {
                    copy.store(out, password);
                }
                options.tlsTruststore(file, password);
            }
            KeyStore keys = stores == null ? null : stores.getKeyStore();
            if (keys != null) {
                writeClientKey(name, bundle.getKey(), keys, stores.getKeyStorePassword(), dir, options);
            }
            if (trust == null && keys == null) {
                // A bundle with neither store still asks for TLS: the JVM's trust store verifies the server.
                options.url(tlsUrl(options.build().url()));
            }
            return new SslBundleFiles(dir);
        } catch (IOException | GeneralSecurityException e) {
            delete(dir);
            throw new IllegalStateException("could not hand SSL bundle '" + name + "' to jrq: " + e, e);
        }
    }

    private static void writeClientKey(String name, SslBundleKey bundleKey, KeyStore keys, String storePassword, Path dir,
                                       JrqOptions.Builder options) throws IOException, GeneralSecurityException {
        String alias = bundleKey == null ? null : bundleKey.getAlias();
        if (alias == null) {
            alias = Collections.list(keys.aliases()).stream().filter(a -> isKey(keys, a)).findFirst().orElse(null);
        }
        if (alias == null) {
            return;
        }
        String keyPassword = bundleKey != null && bundleKey.getPassword() != null ? bundleKey.getPassword() : storePassword;
        Key key = keys.getKey(alias, keyPassword == null ? new char[0] : keyPassword.toCharArray());
        if (!(key instanceof PrivateKey pk) || !"PKCS#8".equals(pk.getFormat())) {
            throw new IllegalStateException("SSL bundle '" + name + "': entry '" + alias + "' holds no PKCS#8 private key");
        }
        Certificate[] chain = keys.getCertificateChain(alias);
        if (chain == null || chain.length == 0) {
            throw new IllegalStateException("SSL bundle '" + name + "': entry '" + alias + "' has no certificate");
        }
        StringBuilder certs = new StringBuilder();
        for (Certificate c : chain) {
            certs.append(pem("CERTIFICATE", c.getEncoded()));
        }
        Path cert = dir.resolve("client.crt");
        Path keyFile = dir.resolve("client.key");
        Files.writeString(cert, certs, StandardCharsets.US_ASCII);
        Files.writeString(keyFile, pem("PRIVATE KEY", pk.getEncoded()), StandardCharsets.US_ASCII);
        options.tlsClientCertificate(cert, keyFile);
    }

    private static boolean isKey(KeyStore keys, String alias) {
        try {
            return keys.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static char[] randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
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

    /** @return the directory holding the files */
    public Path directory() {
        return dir;
    }

    /** Deletes the files. */
    @Override
    public void close() {
        delete(dir);
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
