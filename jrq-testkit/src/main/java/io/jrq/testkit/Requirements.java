package io.jrq.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a tool beyond a JDK, Maven and Redis (openssl for TLS certificates, libfaketime
 * for skewed clocks) call {@link #require}: on a developer's machine without the tool the test is
 * skipped with a message saying what to install, so {@code mvn verify} works with a JDK and Maven
 * alone; with {@code JRQ_STRICT_TESTS=1} (set by CI, which installs every tool) a missing tool fails
 * the test instead, so nothing is skipped unnoticed.
 */
public final class Requirements {
    /** The environment variable that turns a missing tool from a skip into a failure. */
    public static final String STRICT = "JRQ_STRICT_TESTS";

    private Requirements() {}

    /**
     * @param present whether what the test needs is there
     * @param what what is missing and how to get it, e.g. "openssl not found: apt-get install openssl"
     */
    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if ("1".equals(System.getenv(STRICT))) {
            throw new AssertionError(what + " (" + STRICT + "=1 requires every test to run)");
        }
        System.err.println("SKIPPED: " + what + "; set " + STRICT + "=1 to make this a failure");
        Assumptions.abort(what);
    }

    /** @return whether an executable named {@code command} is on the {@code PATH} */
    public static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
