package io.jrq.dashboard.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: each failed login is answered after {@link #DELAY}, and an address
 * with {@link #MAX_FAILURES} failures within {@link #WINDOW} is refused (429) until the window
 * passes, without its password being checked. Tracks at most {@link #MAX_ADDRESSES} addresses.
 */
final class LoginGuard {
    static final Duration DELAY = Duration.ofMillis(750);
    static final Duration WINDOW = Duration.ofMinutes(10);
    static final int MAX_FAILURES = 10;
    static final int MAX_ADDRESSES = 10_000;

    private record Failures(Instant since, int count) {}

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration delay;

    LoginGuard(Clock clock, Duration delay) {
        this.clock = clock;
        this.delay = delay;
    }

    /** @param address a client address @return seconds until it may try again, 0 when it may now */
    long blockedFor(String address) {
        Failures f = failures.get(address);
        if (f == null) {
            return 0;
        }
        Instant until = f.since().plus(WINDOW);
        if (clock.instant().isAfter(until)) {
            failures.remove(address, f);
            return 0;
        }
        return f.count() >= MAX_FAILURES
                ? Math.max(1, Duration.between(clock.instant(), until).toSeconds())
                : 0;
    }

    /** Counts a failure and waits out the delay, so that a guesser gets few answers per second. */
    void failed(String address) {
        if (failures.size() >= MAX_ADDRESSES) {
            Instant now = clock.instant();
            failures.values().removeIf(f -> now.isAfter(f.since().plus(WINDOW)));
            if (failures.size() >= MAX_ADDRESSES) {
                failures.clear();
            }
        }
        Instant now = clock.instant();
        failures.merge(
                address,
                new Failures(now, 1),
                (old, one) -> now.isAfter(old.since().plus(WINDOW)) ? one : new Failures(old.since(), old.count() + 1));
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forgets an address's failures after it logged in. */
    void succeeded(String address) {
        failures.remove(address);
    }
}
