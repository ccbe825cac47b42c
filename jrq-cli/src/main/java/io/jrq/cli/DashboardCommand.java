package io.jrq.cli;

import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.dashboard.Authenticator;
import io.jrq.dashboard.Dashboard;
import io.jrq.dashboard.DashboardServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jrq dashboard}: serves the web dashboard until stopped. */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        header = "Serves the web dashboard: queues, jobs, failures, schedules and workers, live.",
        description = {
            "Logins are on: the user is admin (or --user) and the password comes from $JRQ_DASHBOARD_PASSWORD,",
            "--password-file, or is generated and printed once at start. Listens on 127.0.0.1 unless told otherwise."
        },
        footer = {
            "",
            "Examples:",
            "  jrq dashboard",
            "  JRQ_DASHBOARD_PASSWORD=... jrq dashboard -u redis://redis.internal:6379",
            "  # behind a TLS reverse proxy:",
            "  jrq dashboard --bind 0.0.0.0 --base-path /jrq --behind-proxy",
            "  jrq dashboard --read-only",
            "",
            "docs/DASHBOARD.md describes the pages, the JSON API and the security model."
        })
final class DashboardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(
            names = "--port",
            order = 10,
            paramLabel = "PORT",
            defaultValue = "9181",
            description = "Port to listen on (default: 9181; 0 = any free port).")
    int port;

    @Option(
            names = "--bind",
            order = 11,
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description =
                    "Address to listen on (default: 127.0.0.1). Any other prints a warning unless --behind-proxy.")
    String bind;

    @Option(
            names = "--base-path",
            order = 12,
            paramLabel = "PATH",
            defaultValue = "",
            description = "Path prefix to serve under, e.g. /jrq, for a reverse proxy that forwards it unchanged.")
    String basePath;

    @Option(names = "--read-only", order = 13, description = "Allow no action: buttons are hidden and changes refused.")
    boolean readOnly;

    @Option(
            names = "--user",
            order = 14,
            paramLabel = "NAME",
            defaultValue = "admin",
            description = "User name to log in with (default: admin).")
    String user;

    @Option(
            names = "--password-file",
            order = 15,
            paramLabel = "FILE",
            description =
                    "File whose first line is the password (else $JRQ_DASHBOARD_PASSWORD, else one is generated).")
    Path passwordFile;

    @Option(
            names = "--behind-proxy",
            order = 16,
            description =
                    "A TLS-terminating reverse proxy is in front: trust its X-Forwarded-Proto for Secure cookies.")
    boolean behindProxy;

    @Option(
            names = "--live-interval",
            order = 17,
            paramLabel = "DURATION",
            defaultValue = "1s",
            description =
                    "How often live pages are refreshed from Redis, for all browsers together (default: 1s, at least 250ms).")
    String liveInterval;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration interval;
        try {
            interval = Durations.parse(liveInterval);
        } catch (RuntimeException e) {
            throw new ParameterException(
                    spec.commandLine(), "invalid value for option '--live-interval': " + e.getMessage());
        }
        String generated = null;
        String password = password();
        if (password == null) {
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            generated = password;
        }
        Dashboard.Builder builder;
        try (Jrq jrq = common.connect(JrqOptions.builder())) {
            try {
                builder = Dashboard.builder(jrq)
                        .authenticator(Authenticator.password(user, password))
                        .readOnly(readOnly)
                        .behindTlsProxy(behindProxy)
                        .liveInterval(interval);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            try (Dashboard dashboard = builder.build();
                    DashboardServer server = start(dashboard)) {
                out.printf(
                        "jrq dashboard on %s (Redis %s)%s%n",
                        server.uri(), CommonOptions.redact(common.url()), readOnly ? ", read-only" : "");
                if (generated != null) {
                    out.printf(
                            "log in as %s with the password %s (generated for this run; set JRQ_DASHBOARD_PASSWORD or --password-file to choose one)%n",
                            user, generated);
                } else {
                    out.printf("log in as %s%n", user);
                }
                if (!loopback(bind) && !behindProxy) {
                    err.printf(
                            "warning: the dashboard listens on %s over plain HTTP: passwords and session cookies cross the network"
                                    + " unencrypted. Put it behind a TLS reverse proxy (and pass --behind-proxy), or bind 127.0.0.1.%n",
                            bind);
                    err.flush();
                }
                out.println("stop it with Ctrl-C or SIGTERM");
                out.flush();
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "jrq-dashboard-stop"));
                stop.await();
            }
        }
        return ExitCodes.OK;
    }

    private DashboardServer start(Dashboard dashboard) {
        try {
            return DashboardServer.start(dashboard, bind, port, basePath);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw new CliException(ExitCodes.FAILED, e.getMessage());
        }
    }

    private String password() {
        if (passwordFile != null) {
            try {
                String first = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream()
                        .findFirst()
                        .orElse("")
                        .strip();
                if (first.isEmpty()) {
                    throw new ParameterException(
                            spec.commandLine(), "--password-file " + passwordFile + ": the first line is empty");
                }
                return first;
            } catch (IOException e) {
                throw new ParameterException(
                        spec.commandLine(), "--password-file: cannot read " + passwordFile + ": " + e.getMessage());
            }
        }
        String env = System.getenv("JRQ_DASHBOARD_PASSWORD");
        return env == null || env.isEmpty() ? null : env;
    }

    private static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
