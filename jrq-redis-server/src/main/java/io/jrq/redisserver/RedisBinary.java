package io.jrq.redisserver;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which redis-server executable to run.
 *
 * <p>Precedence, highest first: a binary set on the builder; the embedded binary when forced by
 * the builder, by {@value #EMBEDDED_PROPERTY} or by {@value #EMBEDDED_ENV}; a path in
 * {@value #SERVER_PROPERTY} or {@value #SERVER_ENV}; {@code redis-server} on the PATH; the binary
 * packed in the embedded-redis jar. The embedded one comes last because it is an old 6.2 build,
 * but it means a fresh machine with nothing installed can still run every test and the demo.
 *
 * <p>Each executable is probed ({@code --version}) once per JVM.
 */
public final class RedisBinary {

    /** System property naming the redis-server executable to run. */
    public static final String SERVER_PROPERTY = "jrq.redis.server";
    /** Environment variable naming the redis-server executable to run. */
    public static final String SERVER_ENV = "JRQ_REDIS_SERVER";
    /** System property that, set to {@code true}, forces the binary packed in embedded-redis. */
    public static final String EMBEDDED_PROPERTY = "jrq.redis.embedded";
    /** Environment variable that, set to {@code true}, forces the binary packed in embedded-redis. */
    public static final String EMBEDDED_ENV = "JRQ_REDIS_EMBEDDED";

    private static final Logger LOG = LoggerFactory.getLogger(RedisBinary.class);
    private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Map<Path, RedisBinary> PROBED = new ConcurrentHashMap<>();
    private static final Object EXTRACT_LOCK = new Object();
    private static volatile Path extracted;

    private final Path path;
    private final String origin;
    private final int majorVersion;

    private RedisBinary(Path path, String origin, int majorVersion) {
        this.path = path;
        this.origin = origin;
        this.majorVersion = majorVersion;
    }

    /**
     * Returns the executable.
     *
     * @return the path of the redis-server executable
     */
    public Path path() {
        return path;
    }

    /**
     * Tells where the binary came from, for error messages that must explain a surprising choice.
     *
     * @return a short description such as {@code PATH} or {@code embedded (no redis-server on PATH)}
     */
    public String origin() {
        return origin;
    }

    /**
     * Returns the major version; Redis 7 refuses some directives 6.2 lacks (and vice versa), so the
     * config depends on it.
     *
     * @return the major version, such as 6 or 7
     */
    public int majorVersion() {
        return majorVersion;
    }

    /**
     * Chooses the executable by the normal selection: the system properties and environment
     * variables above, then {@code redis-server} on the PATH, then the embedded binary.
     *
     * @return the probed executable
     * @throws IllegalStateException if the chosen executable cannot be run
     */
    public static RedisBinary resolve() {
        return resolve(null, false);
    }

    /**
     * Chooses the executable, letting a caller override the normal selection.
     *
     * @param explicit an executable to run instead of the normal selection, or null
     * @param forceEmbedded true to run the embedded binary even when another one is installed
     * @return the probed executable
     * @throws IllegalStateException if the chosen executable cannot be run
     */
    public static RedisBinary resolve(Path explicit, boolean forceEmbedded) {
        if (explicit != null) {
            return probe(explicit, "set on the builder");
        }
        if (forceEmbedded) {
            return probe(embedded(), "embedded (forced on the builder)");
        }
        if (flag(System.getProperty(EMBEDDED_PROPERTY)) || flag(System.getenv(EMBEDDED_ENV))) {
            return probe(embedded(), "embedded (forced by " + EMBEDDED_PROPERTY + "/" + EMBEDDED_ENV + ")");
        }
        String configured = System.getProperty(SERVER_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return probe(Paths.get(configured), "system property " + SERVER_PROPERTY);
        }
        configured = System.getenv(SERVER_ENV);
        if (configured != null && !configured.isBlank()) {
            return probe(Paths.get(configured), "environment variable " + SERVER_ENV);
        }
        Path onPath = findOnPath("redis-server");
        if (onPath != null) {
            return probe(onPath, "PATH");
        }
        return probe(embedded(), "embedded (no redis-server on PATH)");
    }

    private static boolean flag(String value) {
        return value != null && value.trim().equalsIgnoreCase("true");
    }

    private static Path findOnPath(String name) {
        String pathVariable = System.getenv("PATH");
        if (pathVariable == null) {
            return null;
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Paths.get(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return null;
    }

    private static RedisBinary probe(Path path, String origin) {
        return PROBED.computeIfAbsent(path, p -> {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException("redis-server from " + origin + " is not an executable file: " + p);
            }
            String output = versionOutput(p, origin);
            Matcher m = VERSION.matcher(output);
            if (!m.find()) {
                throw new IllegalStateException("cannot read the version of " + p + " (from " + origin
                        + "); `redis-server --version` printed: " + output);
            }
            LOG.debug("using redis-server {} from {}: {}", m.group(0), origin, p);
            return new RedisBinary(p, origin, Integer.parseInt(m.group(1)));
        });
    }

    private static String versionOutput(Path binary, String origin) {
        try {
            Process process =
                    Processes.start(new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true));
            byte[] bytes;
            try (InputStream in = process.getInputStream()) {
                bytes = in.readAllBytes();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(binary + " --version did not finish in 10 s");
            }
            return new String(bytes, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary + " (from " + origin + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing " + binary, e);
        }
    }

    /** Copies the packed binary out once per JVM: exec needs a file, not a classpath resource. */
    private static Path embedded() {
        Path path = extracted;
        if (path != null) {
            return path;
        }
        synchronized (EXTRACT_LOCK) {
            if (extracted == null) {
                extracted = extract(embeddedResourceName());
            }
            return extracted;
        }
    }

    static String embeddedResourceName() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean amd64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (os.contains("linux") && amd64) {
            return "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("linux") && arm64) {
            return "redis-server-6.2.7-linux-arm64";
        }
        if (os.contains("mac") && amd64) {
            return "redis-server-6.2.6-v5-darwin-amd64";
        }
        if (os.contains("mac") && arm64) {
            return "redis-server-6.2.6-v5-darwin-arm64";
        }
        throw new IllegalStateException("no embedded redis-server for " + os + "/" + arch
                + "; install redis-server or point " + SERVER_PROPERTY + " / " + SERVER_ENV + " at one");
    }

    private static Path extract(String resource) {
        ClassLoader loader = RedisBinary.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource /" + resource + " not found: is "
                        + "com.github.codemonstur:embedded-redis on the classpath?");
            }
            Path target = Files.createTempFile("jrq-" + resource + "-", "");
            target.toFile().deleteOnExit();
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                if (!target.toFile().setExecutable(true, true)) {
                    throw new IllegalStateException("cannot make " + target + " executable", e);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the embedded redis-server out of the jar", e);
        }
    }
}
