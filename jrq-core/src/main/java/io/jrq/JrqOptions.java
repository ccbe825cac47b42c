package io.jrq;

import io.jrq.internal.redis.RedisEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a {@link Jrq} client connects and what it stores. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults: URL {@value #DEFAULT_URL}, key prefix {@code jrq}, result TTL 500 s (like RQ), failed
 * jobs kept 7 days and at most 10,000 per queue, finished jobs at most 100,000 per queue, payload limit
 * 1 MiB, Redis command timeout 10 s.
 *
 * <p>TLS: a {@code rediss://} URL turns it on; the server's certificate is then verified against the
 * JVM's default trust store, or against {@link Builder#tlsCaFile(Path)} / {@link Builder#tlsTruststore(Path, char[])}
 * when given, and its host name must match the URL's host. {@link Builder#tlsClientCertificate(Path, Path)}
 * adds a client certificate for servers that require one ({@code tls-auth-clients yes}). Setting any
 * TLS option turns TLS on even for a {@code redis://} URL: a client configured for TLS never talks
 * plaintext. {@link #toString()} never shows a password.
 */
public final class JrqOptions {
    /** The URL used when none is given. */
    public static final String DEFAULT_URL = "redis://localhost:6379";

    private final String url;
    private final String keyPrefix;
    private final Duration resultTtl;
    private final Duration failureTtl;
    private final int failedJobsMax;
    private final int finishedJobsMax;
    private final int maxPayloadBytes;
    private final Duration commandTimeout;
    private final Clock clock;
    private final Path tlsCaFile;
    private final Path tlsTruststore;
    private final char[] tlsTruststorePassword;
    private final Path tlsClientCert;
    private final Path tlsClientKey;
    private final TrustManagerFactory tlsTrustManagers;
    private final KeyManagerFactory tlsKeyManagers;
    private final Durability durability;

    private JrqOptions(Builder b) {
        this.tlsCaFile = b.tlsCaFile;
        this.tlsTruststore = b.tlsTruststore;
        this.tlsTruststorePassword = b.tlsTruststorePassword;
        this.tlsClientCert = b.tlsClientCert;
        this.tlsClientKey = b.tlsClientKey;
        this.tlsTrustManagers = b.tlsTrustManagers;
        this.tlsKeyManagers = b.tlsKeyManagers;
        this.url = b.url;
        this.keyPrefix = b.keyPrefix;
        this.resultTtl = b.resultTtl;
        this.failureTtl = b.failureTtl;
        this.failedJobsMax = b.failedJobsMax;
        this.finishedJobsMax = b.finishedJobsMax;
        this.maxPayloadBytes = b.maxPayloadBytes;
        this.commandTimeout = b.commandTimeout;
        this.clock = b.clock;
        this.durability = b.durability;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the defaults */
    public static JrqOptions defaults() {
        return builder().build();
    }

    /**
     * Hides the credentials of a Redis URL the way jrq's own messages and {@link #toString()} do:
     * {@code redis://user:secret@host} becomes {@code redis://user:***@host}, and a password given
     * alone ({@code redis://secret@host}) becomes {@code redis://***@host}. Nothing that depends on
     * the password is shown, not even its length; a password holding {@code :}, {@code /} or
     * {@code @} is hidden whole.
     *
     * @param url a Redis URL, or any text (returned unchanged when it holds no credentials), or null
     * @return the URL without its password
     */
    public static String redactUrl(String url) {
        return RedisEndpoint.redact(url);
    }

    /**
     * Hides the credentials of every URL in a text, as {@link #redactUrl} does for one: for
     * log lines and messages that quote URLs, including Lettuce's, which show one {@code *} per
     * character of the password ({@code redis://user:****@a:1} becomes {@code redis://user:***@a:1}).
     * A password with a space, a slash or an {@code @} cannot be told apart from the text around it:
     * hide a URL you hold with {@link #redactUrl}.
     *
     * @param text any text, or null
     * @return the text with {@code user:***} in place of every URL's credentials
     */
    public static String redactText(String text) {
        return RedisEndpoint.redactText(text);
    }

    /** @return a builder holding this object's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.url = url;
        b.keyPrefix = keyPrefix;
        b.resultTtl = resultTtl;
        b.failureTtl = failureTtl;
        b.failedJobsMax = failedJobsMax;
        b.finishedJobsMax = finishedJobsMax;
        b.maxPayloadBytes = maxPayloadBytes;
        b.commandTimeout = commandTimeout;
        b.clock = clock;
        b.tlsCaFile = tlsCaFile;
        b.tlsTruststore = tlsTruststore;
        b.tlsTruststorePassword = tlsTruststorePassword;
        b.tlsClientCert = tlsClientCert;
        b.tlsClientKey = tlsClientKey;
        b.tlsTrustManagers = tlsTrustManagers;
        b.tlsKeyManagers = tlsKeyManagers;
        b.durability = durability;
        return b;
    }

    /**
     * @return the Redis URL: {@code redis://[user:password@]host:port[/db]}, {@code rediss://...} for
     *     TLS, {@code redis-sentinel://...} (Lettuce syntax), or
     *     {@code redis-cluster://host:port[,host:port...]} (also {@code rediss-cluster://})
     */
    public String url() {
        return url;
    }

    /** @return the first segment of every Redis key jrq writes */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** @return how long a finished job and its result are kept */
    public Duration resultTtl() {
        return resultTtl;
    }

    /** @return how long a failed job is kept */
    public Duration failureTtl() {
        return failureTtl;
    }

    /**
     * @return how many failed jobs, and how many canceled or stopped jobs, a queue keeps at most; past
     *     it the oldest are deleted, even before their TTL
     */
    public int failedJobsMax() {
        return failedJobsMax;
    }

    /**
     * @return how many finished jobs (with their results) a queue keeps at most; past it the oldest are
     *     deleted, even before {@link #resultTtl()}. Separate from {@link #failedJobsMax()} because a busy
     *     queue finishes far more jobs than it fails: at 10,000 jobs/s the default keeps results for
     *     10 s, so raise it (memory: about 0.5-1 KB per finished job) when results must live longer
     */
    public int finishedJobsMax() {
        return finishedJobsMax;
    }

    /** @return the largest encoded job payload accepted at enqueue, in bytes */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** @return how long one Redis command may take before it fails */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** @return the clock used inside the JVM (waits, worker registry); Redis time rules leases */
    public Clock clock() {
        return clock;
    }

    /** @return the PEM file of the CA certificate(s) trusted for the server's certificate, or null */
    public Path tlsCaFile() {
        return tlsCaFile;
    }

    /** @return the trust store (JKS or PKCS#12) trusted for the server's certificate, or null */
    public Path tlsTruststore() {
        return tlsTruststore;
    }

    /** @return the trust store's password (a copy), or null; never printed */
    public char[] tlsTruststorePassword() {
        return tlsTruststorePassword == null ? null : tlsTruststorePassword.clone();
    }

    /** @return the PEM client certificate (chain) presented for mutual TLS, or null */
    public Path tlsClientCert() {
        return tlsClientCert;
    }

    /** @return the PEM (PKCS#8) private key of {@link #tlsClientCert()}, or null */
    public Path tlsClientKey() {
        return tlsClientKey;
    }

    /** @return the trust managers that check the server's certificate, or null (see {@link Builder#tlsManagers}) */
    public TrustManagerFactory tlsTrustManagers() {
        return tlsTrustManagers;
    }

    /** @return the key managers that present a client certificate, or null (see {@link Builder#tlsManagers}) */
    public KeyManagerFactory tlsKeyManagers() {
        return tlsKeyManagers;
    }

    /** @return true when connections use TLS: a {@code rediss} URL or any TLS option set */
    public boolean tls() {
        return url.toLowerCase(java.util.Locale.ROOT).startsWith("rediss")
                || tlsCaFile != null
                || tlsTruststore != null
                || tlsClientCert != null
                || tlsTrustManagers != null
                || tlsKeyManagers != null;
    }

    /** @return the options with the URL's password replaced by {@code ***} */
    @Override
    public String toString() {
        return "JrqOptions[url=" + RedisEndpoint.redact(url) + ", keyPrefix=" + keyPrefix + ", tls=" + tls()
                + (tlsCaFile == null ? "" : ", tlsCaFile=" + tlsCaFile)
                + (tlsTruststore == null ? "" : ", tlsTruststore=" + tlsTruststore)
                + (tlsClientCert == null ? "" : ", tlsClientCert=" + tlsClientCert)
                + (tlsTrustManagers == null ? "" : ", tlsTrustManagers=" + tlsTrustManagers.getAlgorithm())
                + (tlsKeyManagers == null ? "" : ", tlsKeyManagers=" + tlsKeyManagers.getAlgorithm())
                + ", resultTtl=" + resultTtl + ", failureTtl=" + failureTtl + ", failedJobsMax=" + failedJobsMax
                + ", finishedJobsMax=" + finishedJobsMax
                + ", maxPayloadBytes=" + maxPayloadBytes + ", commandTimeout=" + commandTimeout
                + ", durability=" + durability + "]";
    }

    /**
     * @return how sure an enqueue must be that its jobs survive a Redis crash before it returns,
     *     unless {@link EnqueueOptions#durability()} says otherwise; {@link Durability#none()} by default
     */
    public Durability durability() {
        return durability;
    }

    /** Builder for {@link JrqOptions}; every setter rejects bad values with a message naming them. */
    public static final class Builder {
        private String url = DEFAULT_URL;
        private String keyPrefix = "jrq";
        private Duration resultTtl = Duration.ofSeconds(500);
        private Duration failureTtl = Duration.ofDays(7);
        private int failedJobsMax = 10_000;
        private int finishedJobsMax = 100_000;
        private int maxPayloadBytes = 1 << 20;
        private Duration commandTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private Path tlsCaFile;
        private Path tlsTruststore;
        private char[] tlsTruststorePassword;
        private Path tlsClientCert;
        private Path tlsClientKey;
        private TrustManagerFactory tlsTrustManagers;
        private KeyManagerFactory tlsKeyManagers;
        private Durability durability = Durability.none();

        private Builder() {}

        /**
         * Trusts the CA certificate(s) in a PEM file for the server's certificate (instead of the JVM's
         * default trust store) and turns TLS on.
         *
         * @param pem a readable PEM file, or null to use the JVM's trust store
         * @return this builder
         */
        public Builder tlsCaFile(Path pem) {
            this.tlsCaFile = pem == null ? null : readable(pem, "TLS CA file");
            return this;
        }

        /**
         * Trusts the certificates of a trust store (JKS or PKCS#12) for the server's certificate and
         * turns TLS on.
         *
         * @param store a readable trust store, or null
         * @param password its password, or null for none
         * @return this builder
         */
        public Builder tlsTruststore(Path store, char[] password) {
            this.tlsTruststore = store == null ? null : readable(store, "TLS trust store");
            this.tlsTruststorePassword = password == null ? null : password.clone();
            return this;
        }

        /**
         * Presents a client certificate, for servers started with {@code tls-auth-clients yes}, and
         * turns TLS on.
         *
         * @param certPem the PEM certificate (chain), or null together with key for none
         * @param keyPem its PEM private key in PKCS#8 form ({@code BEGIN PRIVATE KEY}), unencrypted
         * @return this builder
         */
        public Builder tlsClientCertificate(Path certPem, Path keyPem) {
            if ((certPem == null) != (keyPem == null)) {
                throw new IllegalArgumentException(
                        "a TLS client certificate needs both the certificate and its key file");
            }
            this.tlsClientCert = certPem == null ? null : readable(certPem, "TLS client certificate");
            this.tlsClientKey = keyPem == null ? null : readable(keyPem, "TLS client key");
            return this;
        }

        /**
         * TLS material already loaded by the application (a framework's SSL bundle, a secrets store),
         * instead of files; turns TLS on. Verification stays full: chain and host name.
         *
         * @param trust checks the server's certificate (initialised), or null for the files or the
         *     JVM's default trust store
         * @param keys presents a client certificate (initialised), or null for none or the files
         * @return this builder
         * @throws IllegalArgumentException at {@link #build()} when the same role is also given as a file
         */
        public Builder tlsManagers(TrustManagerFactory trust, KeyManagerFactory keys) {
            this.tlsTrustManagers = trust;
            this.tlsKeyManagers = keys;
            return this;
        }

        private static Path readable(Path file, String what) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new IllegalArgumentException(what + " " + file + " is not a readable file");
            }
            return file;
        }

        /** @param url the Redis URL, see {@link JrqOptions#url()} @return this builder */
        public Builder url(String url) {
            Objects.requireNonNull(url, "url");
            if (!url.contains("://")) {
                throw new IllegalArgumentException(
                        "Redis URL must start with redis://, rediss://, redis-sentinel:// or redis-cluster://, got: "
                                + RedisEndpoint.redact(url));
            }
            this.url = url;
            return this;
        }

        /** @param keyPrefix non-empty, without ':' '{' '}' @return this builder */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isEmpty() || keyPrefix.matches(".*[:{}\\s].*")) {
                throw new IllegalArgumentException(
                        "key prefix must be non-empty without ':', '{', '}' or spaces, got: '" + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** @param ttl at least one second @return this builder */
        public Builder resultTtl(Duration ttl) {
            this.resultTtl = positiveSeconds(ttl, "resultTtl");
            return this;
        }

        /** @param ttl at least one second @return this builder */
        public Builder failureTtl(Duration ttl) {
            this.failureTtl = positiveSeconds(ttl, "failureTtl");
            return this;
        }

        /** @param max at least 1 @return this builder */
        public Builder failedJobsMax(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("failedJobsMax must be at least 1, got: " + max);
            }
            this.failedJobsMax = max;
            return this;
        }

        /** @param max at least 1 @return this builder */
        public Builder finishedJobsMax(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("finishedJobsMax must be at least 1, got: " + max);
            }
            this.finishedJobsMax = max;
            return this;
        }

        /** @param bytes at least 1024 @return this builder */
        public Builder maxPayloadBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxPayloadBytes must be at least 1024, got: " + bytes);
            }
            this.maxPayloadBytes = bytes;
            return this;
        }

        /** @param timeout positive @return this builder */
        public Builder commandTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "commandTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("commandTimeout must be positive, got: " + timeout);
            }
            this.commandTimeout = timeout;
            return this;
        }

        /** @param clock the JVM-side clock (tests inject a fixed or offset one) @return this builder */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param durability the default for every enqueue of this client (see {@link Durability})
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /** @return the options */
        public JrqOptions build() {
            if (tlsTrustManagers != null && (tlsCaFile != null || tlsTruststore != null)) {
                throw new IllegalArgumentException(
                        "TLS trust is given twice: as trust managers and as a CA file or trust store;" + " set one");
            }
            if (tlsKeyManagers != null && tlsClientCert != null) {
                throw new IllegalArgumentException(
                        "the TLS client certificate is given twice: as key managers and as files; set one");
            }
            return new JrqOptions(this);
        }

        static Duration positiveSeconds(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.toSeconds() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 second, got: " + d);
            }
            return d;
        }
    }
}
