package io.jrq.cli;

import io.jrq.Jrq;
import io.jrq.JrqOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options shared by the commands that talk to Redis: {@code -u/--url}, the TLS files
 * ({@code --tls-ca}, {@code --tls-cert}, {@code --tls-key}) and {@code --verbose}.
 * Add it to a command with {@code @Mixin CommonOptions common;}.
 */
public final class CommonOptions {
    /** The URL used when neither {@code -u} nor {@code JRQ_REDIS_URL} gives one. */
    public static final String DEFAULT_URL = JrqOptions.DEFAULT_URL;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    private String url = DEFAULT_URL;
    private boolean verbose;

    @Option(
            names = "--tls-ca",
            paramLabel = "FILE",
            order = 2,
            defaultValue = "${env:JRQ_TLS_CA}",
            description = {
                "PEM file of the CA that signed the Redis server's certificate (default: $JRQ_TLS_CA);",
                "turns TLS on. Without it, rediss:// URLs trust the JVM's default CAs."
            })
    private java.nio.file.Path tlsCa;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            order = 3,
            defaultValue = "${env:JRQ_TLS_CERT}",
            description = "PEM client certificate for mutual TLS (default: $JRQ_TLS_CERT); needs --tls-key.")
    private java.nio.file.Path tlsCert;

    @Option(
            names = "--tls-key",
            paramLabel = "FILE",
            order = 4,
            defaultValue = "${env:JRQ_TLS_KEY}",
            description = "PEM (PKCS#8) private key of --tls-cert (default: $JRQ_TLS_KEY).")
    private java.nio.file.Path tlsKey;

    @Option(
            names = {"-u", "--url"},
            paramLabel = "URL",
            order = 1,
            defaultValue = "${env:JRQ_REDIS_URL:-" + DEFAULT_URL + "}",
            description = {
                "Redis URL (default: $JRQ_REDIS_URL, else " + DEFAULT_URL + "):",
                "redis://[user:password@]host:port[/db], rediss://..., redis-sentinel://...,",
                "redis-cluster://host:port,host:port"
            })
    void url(String value) {
        try {
            JrqOptions.builder().url(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    command.commandLine(),
                    "invalid value for option '--url': " + e.getMessage(),
                    e,
                    null,
                    redact(value));
        }
        this.url = value;
    }

    @Option(
            names = "--verbose",
            order = 20,
            description = "Log INFO and above to stderr, and show stack traces of errors.")
    void verbose(boolean on) {
        this.verbose = on;
        if (on) {
            Logging.verbose();
        }
    }

    /** @return the Redis URL to use */
    public String url() {
        return url;
    }

    /** @return true when --verbose was given */
    public boolean verbose() {
        return verbose;
    }

    /**
     * Connects to {@link #url()}.
     *
     * @param options further client options; their URL is replaced
     * @return the client
     * @throws io.jrq.RedisUnavailableException when Redis cannot be reached (exit code 3)
     * @throws ParameterException when the URL cannot be parsed (exit code 2)
     */
    public Jrq connect(JrqOptions.Builder options) {
        try {
            options.tlsCaFile(tlsCa).tlsClientCertificate(tlsCert, tlsKey);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "invalid TLS option: " + e.getMessage(), e);
        }
        JrqOptions built = options.url(url).build();
        try {
            return Jrq.connect(built);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    command.commandLine(), "invalid value for option '--url': " + e.getMessage(), e, null, redact(url));
        }
    }

    /**
     * Hides the password of a Redis URL, for output.
     *
     * @param url a Redis URL
     * @return the URL with {@code ***} in place of its password
     */
    public static String redact(String url) {
        return JrqOptions.redactUrl(url);
    }
}
