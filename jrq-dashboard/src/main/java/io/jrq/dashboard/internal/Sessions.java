package io.jrq.dashboard.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions, in memory: a random token in an HttpOnly cookie maps to the user and the
 * session's CSRF token. Sessions end after {@link #IDLE} without a request or {@link #MAX_AGE} in
 * all; at most {@link #MAX_SESSIONS} live at once (the least recently used goes first), so a flood
 * of logins cannot fill the heap. A restart logs everyone out, which is acceptable for an
 * operator's tool.
 */
final class Sessions {
    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration MAX_AGE = Duration.ofHours(12);
    static final int MAX_SESSIONS = 10_000;

    /** A live session. */
    record Session(String token, String user, String csrf, Instant created, Instant lastSeen) {}

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    Sessions(Clock clock) {
        this.clock = clock;
    }

    /** @param user who logged in @return a new session */
    Session create(String user) {
        if (sessions.size() >= MAX_SESSIONS) {
            evict();
        }
        Instant now = clock.instant();
        Session s = new Session(token(), user, token(), now, now);
        sessions.put(s.token(), s);
        return s;
    }

    /** @param token a cookie's value, or null @return its live session, or null */
    Session find(String token) {
        if (token == null || token.length() != 43) {
            return null;
        }
        Session s = sessions.get(token);
        if (s == null) {
            return null;
        }
        Instant now = clock.instant();
        if (now.isAfter(s.lastSeen().plus(IDLE)) || now.isAfter(s.created().plus(MAX_AGE))) {
            sessions.remove(token);
            return null;
        }
        Session seen = new Session(s.token(), s.user(), s.csrf(), s.created(), now);
        sessions.replace(token, s, seen);
        return seen;
    }

    /** Ends a session. */
    void end(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }

    private void evict() {
        Instant now = clock.instant();
        sessions.values()
                .removeIf(s -> now.isAfter(s.lastSeen().plus(IDLE))
                        || now.isAfter(s.created().plus(MAX_AGE)));
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream()
                    .min(Comparator.comparing(Session::lastSeen))
                    .ifPresent(s -> sessions.remove(s.token()));
        }
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
