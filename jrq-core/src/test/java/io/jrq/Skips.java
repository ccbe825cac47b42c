package io.jrq;

import org.junit.jupiter.api.Assumptions;

/**
 * Skips a test that cannot run here for a reason no tool install fixes (the JDK's or the Redis
 * server's version), saying on the console what would run it. A missing tool goes through
 * {@link io.jrq.testkit.Requirements#require} instead, which {@code JRQ_STRICT_TESTS=1} turns into a
 * failure; these skips stay skips there, since CI's JDK and Redis decide them.
 */
final class Skips {
    private Skips() {}

    /**
     * @param runs whether the test can run here
     * @param why why not, and what would run it
     */
    static void unless(boolean runs, String why) {
        if (!runs) {
            System.err.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
    }
}
