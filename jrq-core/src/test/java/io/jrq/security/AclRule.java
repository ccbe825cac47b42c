package io.jrq.security;

import io.jrq.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The least-privilege ACL rule of docs/SECURITY.md ("Redis ACL for jrq"), read from the document
 * itself so that the tests prove exactly what users are told to run. The section's code blocks hold
 * {@code ACL SETUSER jrq ...} lines: the first is the rule; a later one whose comment names a
 * condition ({@code # Redis 7.2 and later}, {@code # Redis Cluster}) adds to it when that holds.
 */
public final class AclRule {
    static final String HEADING = "## Redis ACL for jrq";
    private static final String COMMAND = "ACL SETUSER jrq ";

    /** One {@code ACL SETUSER} line of the document. */
    record Line(List<String> rules, String condition) {
        boolean applies(String version, boolean cluster) {
            if (condition.isEmpty()) {
                return true;
            }
            String c = condition.toLowerCase(Locale.ROOT);
            if (c.contains("cluster")) {
                return cluster;
            }
            if (c.contains("7.2 and later")) {
                return atLeast(version, 7, 2);
            }
            if (c.equals("redis 6.2")) {
                return version.startsWith("6.2.");
            }
            throw new IllegalStateException("docs/SECURITY.md: unknown condition '" + condition + "' of an ACL line");
        }
    }

    private AclRule() {}

    /** @return docs/SECURITY.md, looked up from the working directory upwards (a module's or the root's) */
    static Path document() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path doc = dir.resolve("docs/SECURITY.md");
            if (Files.isRegularFile(doc)) {
                return doc;
            }
        }
        throw new IllegalStateException(
                "docs/SECURITY.md not found above " + Path.of("").toAbsolutePath());
    }

    /** @return the ACL SETUSER lines of the section, the rule first */
    static List<Line> lines() {
        String text;
        try {
            text = Files.readString(document());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = text.indexOf("\n" + HEADING + "\n");
        if (start < 0) {
            throw new IllegalStateException("docs/SECURITY.md has no section '" + HEADING + "'");
        }
        int end = text.indexOf("\n## ", start + HEADING.length() + 1);
        String section = text.substring(start, end < 0 ? text.length() : end);
        List<Line> out = new ArrayList<>();
        boolean code = false;
        for (String line : section.split("\n")) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (code && line.startsWith(COMMAND)) {
                int hash = line.indexOf(" #");
                String rule = hash < 0 ? line : line.substring(0, hash);
                String condition = hash < 0 ? "" : line.substring(hash + 2).trim();
                out.add(new Line(List.of(rule.substring(COMMAND.length()).trim().split("\\s+")), condition));
            }
        }
        if (out.isEmpty() || !out.get(0).condition().isEmpty()) {
            throw new IllegalStateException(
                    "docs/SECURITY.md: '" + HEADING + "' must open with an unconditional " + COMMAND + "line");
        }
        return out;
    }

    /** @return the rule itself, as written (password {@code >secret}, prefix {@code jrq}) */
    static List<String> base() {
        return lines().get(0).rules();
    }

    /**
     * @param version the server's version
     * @param cluster true for a cluster node
     * @param password the user's password, in place of the document's {@code secret}
     * @param prefix the key prefix, in place of {@code jrq}, as the document says to change it
     * @return the arguments of {@code ACL SETUSER <user> ...} for that server
     */
    static List<String> rules(String version, boolean cluster, String password, String prefix) {
        List<String> out = new ArrayList<>();
        for (Line l : lines()) {
            if (l.applies(version, cluster)) {
                for (String r : l.rules()) {
                    out.add(
                            r.equals(">secret")
                                    ? ">" + password
                                    : r.equals("~jrq:*")
                                            ? "~" + prefix + ":*"
                                            : r.equals("&jrq:*") ? "&" + prefix + ":*" : r);
                }
            }
        }
        return out;
    }

    /**
     * Creates (or resets) the user on a server with exactly the document's rule.
     *
     * @param redis the server
     * @param user the user name
     * @param password its password
     * @param prefix the key prefix
     * @param cluster true for a cluster node
     */
    public static void create(RedisServer redis, String user, String password, String prefix, boolean cluster) {
        List<String> cmd = new ArrayList<>(Arrays.asList("ACL", "SETUSER", user));
        cmd.addAll(rules(redis.version(), cluster, password, prefix));
        redis.execute(cmd.toArray(String[]::new));
    }

    static boolean atLeast(String version, int major, int minor) {
        String[] p = version.split("\\.");
        int ma = Integer.parseInt(p[0]);
        int mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
        return ma > major || (ma == major && mi >= minor);
    }
}
