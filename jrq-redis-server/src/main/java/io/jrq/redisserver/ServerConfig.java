package io.jrq.redisserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The redis.conf a {@link RedisProcess} runs with: local, in the foreground, without persistence
 * unless asked for, plus the directives added here.
 *
 * <p>A file rather than command-line flags because a relaunch ({@link RedisProcess#launch()}) must
 * bring back exactly the same configuration, multi-argument directives such as
 * {@code save 60 1000} need no quoting tricks, and {@code CONFIG REWRITE} only works for a server
 * started from a file.
 */
public final class ServerConfig {

    /** What the starter decides, because the host, port, directory and URL it reports depend on it. */
    private static final Set<String> MANAGED =
            Set.of("port", "bind", "dir", "logfile", "daemonize", "requirepass", "include");

    private final List<String[]> directives = new ArrayList<>();

    /** Creates a config with only the defaults. */
    public ServerConfig() {}

    /**
     * Replaces every earlier line of this directive; for typed setters.
     *
     * @param name the directive name
     * @param value its arguments as they would appear in redis.conf
     * @throws IllegalArgumentException for a managed directive or a value of more than one line
     */
    public void set(String name, String value) {
        String key = normalize(name);
        directives.removeIf(d -> d[0].equals(key));
        add(key, value);
    }

    /**
     * Adds a line, keeping earlier ones, because some directives (save, rename-command) repeat.
     *
     * @param name the directive name
     * @param value its arguments as they would appear in redis.conf
     * @throws IllegalArgumentException for a managed directive (port, bind, dir, logfile,
     *     daemonize, requirepass, include) or a value of more than one line
     */
    public void add(String name, String value) {
        String key = normalize(name);
        if (MANAGED.contains(key)) {
            throw new IllegalArgumentException("'" + key + "' is managed by the server's starter; use "
                    + "its own settings (port, password) instead");
        }
        if (value == null || value.contains("\n") || value.contains("\r")) {
            throw new IllegalArgumentException("value of '" + key + "' must be one non-null line");
        }
        directives.add(new String[] {key, value});
    }

    /**
     * Tells whether the directives make the server a cluster node, which needs its bus port free.
     *
     * @return true when the last {@code cluster-enabled} directive says yes
     */
    public boolean isClusterEnabled() {
        boolean enabled = false;
        for (String[] d : directives) {
            if (d[0].equals("cluster-enabled")) {
                enabled = d[1].trim().equalsIgnoreCase("yes");
            }
        }
        return enabled;
    }

    /**
     * Writes the file: the managed directives, the defaults not overridden, then the directives
     * added here in order.
     *
     * @param file the file to write
     * @param port the port to listen on (127.0.0.1 only)
     * @param dir the working directory
     * @param logFile where the server logs
     * @param password the password, or null for none
     * @param majorVersion the server's major version, since some directives exist only in 7
     * @throws UncheckedIOException if the file cannot be written
     */
    public void write(Path file, int port, Path dir, Path logFile, String password, int majorVersion) {
        List<String> lines = new ArrayList<>();
        lines.add("port " + port);
        lines.add("bind 127.0.0.1");
        lines.add("daemonize no");
        lines.add("dir " + quote(dir.toAbsolutePath().toString()));
        lines.add("logfile " + quote(logFile.toAbsolutePath().toString()));
        if (password != null) {
            lines.add("requirepass " + quote(password));
        }
        addDefault(lines, "save", "\"\"");
        addDefault(lines, "appendonly", "no");
        if (majorVersion >= 7) {
            // Redis 7 blocks DEBUG by default, and tests need DEBUG SLEEP to simulate slow servers.
            addDefault(lines, "enable-debug-command", "yes");
        }
        for (String[] d : directives) {
            lines.add(d[0] + " " + d[1]);
        }
        try {
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private void addDefault(List<String> lines, String name, String value) {
        for (String[] d : directives) {
            if (d[0].equals(name)) {
                return;
            }
        }
        lines.add(name + " " + value);
    }

    private static String normalize(String name) {
        if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("invalid directive name: '" + name + "'");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** Double-quoted as redis.conf's parser expects, so paths and passwords may hold spaces. */
    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
