package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.testkit.RedisServer;
import io.jrq.testkit.TlsCertificates;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line with credentials and TLS, run as a process: a password in JRQ_REDIS_URL or
 * {@code --url} appears in no output, even with {@code --verbose} (stack traces included), whether
 * the command works, the password is wrong, the host is unreachable or the URL is malformed; and
 * {@code --tls-ca} connects to a TLS-only port that fails without it.
 */
class CliSecurityIT {
    private static final String USER = "jrqcli";
    private static final String SECRET = "Cli-s3cr3t-Qx8";

    @TempDir
    Path tmp;

    private static void noSecret(String what, Cli.Result r) {
        System.out.println("CliSecurityIT: " + what + " -> exit " + r.exitCode() + ", stderr: "
                + r.err().lines().findFirst().orElse(""));
        assertThat(r.out() + r.err()).as(what + "\n" + r).doesNotContain(SECRET);
    }

    @Test
    void thePasswordIsNeverPrinted() throws IOException {
        try (RedisServer redis =
                RedisServer.builder().password("admin-" + SECRET).start()) {
            List<String> acl = new java.util.ArrayList<>(List.of("ACL", "SETUSER", USER));
            CliLeastPrivilegeIT.rule(redis.version())
                    .forEach(r -> acl.add(r.equals(">" + CliLeastPrivilegeIT.PASSWORD) ? ">" + SECRET : r));
            redis.execute(acl.toArray(String[]::new));
            String url = "redis://" + USER + ":" + SECRET + "@127.0.0.1:" + redis.port();
            Cli cli = new Cli(tmp, url);

            Cli.Result enqueue = cli.run("enqueue", "--verbose", "-q", "sec", "io.jrq.demo.DemoJobs::echo", "hi");
            noSecret("enqueue", enqueue);
            assertThat(enqueue.exitCode()).as(enqueue.toString()).isZero();
            Cli.Result worker = cli.run("worker", "--verbose", "-q", "sec", "--allow", "io.jrq.demo", "--burst");
            noSecret("worker --burst", worker);
            assertThat(worker.exitCode()).as(worker.toString()).isZero();
            Cli.Result info = cli.run("info", "--verbose", "-q", "sec");
            noSecret("info", info);
            assertThat(info.exitCode()).as(info.toString()).isZero();
            assertThat(info.out()).contains("redis://" + USER + ":***@127.0.0.1:" + redis.port());

            String typo = "Wr0ng-pass-77";
            Cli.Result wrong = cli.run(Map.of(), null, "info", "--verbose", "-u", url.replace(SECRET, typo));
            noSecret("wrong password", wrong);
            assertThat(wrong.out() + wrong.err()).doesNotContain(typo);
            assertThat(wrong.exitCode()).as(wrong.toString()).isNotZero();

            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            }
            Cli.Result unreachable =
                    cli.run("info", "--verbose", "-u", "redis://" + USER + ":" + SECRET + "@127.0.0.1:" + closed);
            noSecret("unreachable host", unreachable);
            assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
            assertThat(unreachable.err()).contains("127.0.0.1:" + closed);

            for (String bad : List.of(
                    USER + ":" + SECRET + "@127.0.0.1:" + redis.port(),
                    "redis://" + USER + ":" + SECRET + "@127.0.0.1:x")) {
                Cli.Result malformed = cli.run("info", "--verbose", "-u", bad);
                noSecret("malformed URL " + bad.replace(SECRET, "<secret>"), malformed);
                assertThat(malformed.exitCode()).as(malformed.toString()).isNotZero();
            }
        }
    }

    /** The one mask, {@code user:***}: neither the password nor its length (Lettuce's own mask has one '*' per character). */
    private static void threeStars(String what, Cli.Result r) {
        noSecret(what, r);
        assertThat(r.out() + r.err())
                .as(what + "\n" + r)
                .contains(USER + ":***@127.0.0.1:")
                .doesNotContainPattern("\\*{4,}");
    }

    @Test
    void urlsInLogLinesAndErrorsShowThreeStars() throws IOException {
        try (RedisServer redis =
                RedisServer.builder().password("admin-" + SECRET).start()) {
            List<String> acl = new java.util.ArrayList<>(List.of("ACL", "SETUSER", USER));
            CliLeastPrivilegeIT.rule(redis.version())
                    .forEach(r -> acl.add(r.equals(">" + CliLeastPrivilegeIT.PASSWORD) ? ">" + SECRET : r));
            redis.execute(acl.toArray(String[]::new));
            Cli cli = new Cli(tmp, "redis://" + USER + ":" + SECRET + "@127.0.0.1:" + redis.port());

            // Lettuce's DEBUG lines name the URI it connects to.
            Cli.Result debug = cli.run(Map.of("JRQ_LOG_LEVEL", "DEBUG"), null, "info");
            assertThat(debug.exitCode()).as(debug.toString()).isZero();
            assertThat(debug.err())
                    .contains(
                            "Trying to get a Redis connection for: redis://" + USER + ":***@127.0.0.1:" + redis.port());
            threeStars("DEBUG log", debug);

            // Lettuce's error for a cluster it cannot reach lists the seed URIs.
            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            }
            Cli.Result cluster = cli.run(
                    "info", "--verbose", "-u", "redis-cluster://" + USER + ":" + SECRET + "@127.0.0.1:" + closed);
            assertThat(cluster.exitCode()).as(cluster.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
            assertThat(cluster.err()).contains("[redis://" + USER + ":***@127.0.0.1:" + closed + "]");
            threeStars("unreachable cluster", cluster);

            Cli.Result malformed = cli.run("info", "-u", USER + ":" + SECRET + "@127.0.0.1:" + redis.port());
            assertThat(malformed.exitCode()).as(malformed.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(malformed.err()).contains("got: " + USER + ":***@127.0.0.1:" + redis.port());
            threeStars("malformed URL", malformed);
        }
    }

    @Test
    void tlsCaOptionConnectsToATlsPort() throws IOException {
        TlsCertificates.requireOpenssl();
        TlsCertificates certs = TlsCertificates.generate(Files.createDirectory(tmp.resolve("ca")));
        try (RedisServer redis = RedisServer.builder().tls(certs, false).start()) {
            Cli cli = new Cli(tmp, redis.tlsUrl());
            Cli.Result ok = cli.run("info", "--tls-ca", certs.caCert().toString());
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            Cli.Result env = cli.run(Map.of("JRQ_TLS_CA", certs.caCert().toString()), null, "info");
            assertThat(env.exitCode()).as(env.toString()).isZero();
            Cli.Result untrusted = cli.run("info");
            System.out.println("CliSecurityIT: TLS without --tls-ca -> exit " + untrusted.exitCode() + ", stderr: "
                    + untrusted.err().trim());
            assertThat(untrusted.exitCode()).as(untrusted.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
            assertThat(untrusted.err()).contains("certificate could not be verified");
            Cli.Result missing =
                    cli.run("info", "--tls-ca", tmp.resolve("missing.pem").toString());
            assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(missing.err()).contains("missing.pem").contains("not a readable file");
        }
    }
}
