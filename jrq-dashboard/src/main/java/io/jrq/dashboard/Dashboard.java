package io.jrq.dashboard;

import io.jrq.Jrq;
import io.jrq.dashboard.internal.App;
import io.jrq.dashboard.internal.Exchange;
import io.jrq.dashboard.internal.Handler;
import io.jrq.dashboard.internal.LiveFeed;
import io.jrq.dashboard.internal.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The web dashboard over one {@link Jrq} client: pages, the JSON API and the live feed, reading and
 * changing queues only through {@link Jrq#admin()} and the public client API. Serve it with
 * {@link DashboardServer} (what {@code jrq dashboard} runs) or mount it in an application with
 * {@link DashboardServlet}. {@code GET /metrics} serves jrq's meters ({@link io.jrq.JrqMetrics}) in
 * the Prometheus text format to the same users as the API (a session or HTTP Basic); from the first
 * scrape on, one thread reads the queue gauges from Redis every 10 s. Thread-safe; close it to stop
 * its live feed and those reads (the client stays open).
 *
 * <pre>{@code
 * Dashboard d = Dashboard.builder(jrq).authenticator(Authenticator.password("admin", secret)).build();
 * DashboardServer server = DashboardServer.start(d, "127.0.0.1", 9181, "/jrq");
 * }</pre>
 */
public final class Dashboard implements AutoCloseable {
    private final Handler handler;
    private final LiveFeed live;
    private final Metrics metrics;

    private Dashboard(Builder b) {
        this.live = new LiveFeed(b.jrq.admin(), b.clock, b.liveInterval, b.maxLiveStreams);
        this.metrics = new Metrics(b.jrq);
        App app = new App(b.jrq, b.jrq.admin(), live, b.clock, b.readOnly, b.authenticator != null);
        this.handler = new Handler(app, b.authenticator, b.loginDelay, b.behindTlsProxy, metrics);
    }

    /**
     * @param jrq the client whose Redis the dashboard shows
     * @return a builder; without an {@link Builder#authenticator} or {@link Builder#applicationAuthenticates()},
     *     {@link Builder#build()} refuses to build
     */
    public static Builder builder(Jrq jrq) {
        return new Builder(Objects.requireNonNull(jrq, "jrq"));
    }

    /** Handles one request; both servers call this. */
    void handle(Exchange exchange) {
        handler.handle(exchange);
    }

    /** Stops the live feed's reads and the metrics' reads. */
    @Override
    public void close() {
        live.close();
        metrics.close();
    }

    /** Builds a {@link Dashboard}. Not thread-safe. */
    public static final class Builder {
        private final Jrq jrq;
        private Authenticator authenticator;
        private boolean applicationAuthenticates;
        private boolean readOnly;
        private boolean behindTlsProxy;
        private Duration liveInterval = Duration.ofSeconds(1);
        private int maxLiveStreams = 64;
        private Duration loginDelay = Duration.ofMillis(750);
        private Clock clock = Clock.systemUTC();

        private Builder(Jrq jrq) {
            this.jrq = jrq;
        }

        /** Logins (form and HTTP Basic) are checked by this. @return this */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            this.applicationAuthenticates = false;
            return this;
        }

        /**
         * The application in front of a mounted dashboard authenticates every request (its own
         * security filter); the dashboard shows no login form but still requires its CSRF token and
         * a same-origin request for every change. Never use this with {@link DashboardServer}.
         *
         * @return this
         */
        public Builder applicationAuthenticates() {
            this.authenticator = null;
            this.applicationAuthenticates = true;
            return this;
        }

        /** No action at all: buttons are hidden and every POST is refused with 403. @return this */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /**
         * The dashboard is reached through a proxy that terminates TLS and sets
         * {@code X-Forwarded-Proto: https}: session cookies are then marked Secure. @return this
         */
        public Builder behindTlsProxy(boolean behindTlsProxy) {
            this.behindTlsProxy = behindTlsProxy;
            return this;
        }

        /**
         * How often live pages are refreshed from Redis, whatever the number of browsers: one read
         * per interval serves them all. Default 1 s, at least 250 ms. @return this
         */
        public Builder liveInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.toMillis() < 250 || interval.toMinutes() > 10) {
                throw new IllegalArgumentException(
                        "the live interval must be between 250 ms and 10 minutes, got " + interval);
            }
            this.liveInterval = interval;
            return this;
        }

        /** The most live pages connected at once (each holds a server thread); default 64. @return this */
        public Builder maxLiveStreams(int max) {
            if (max < 1 || max > 10_000) {
                throw new IllegalArgumentException("max live streams must be between 1 and 10000, got " + max);
            }
            this.maxLiveStreams = max;
            return this;
        }

        /** How long a failed login waits before its answer; default 750 ms. @return this */
        public Builder loginDelay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative() || delay.toSeconds() > 30) {
                throw new IllegalArgumentException("the login delay must be between 0 and 30 s, got " + delay);
            }
            this.loginDelay = delay;
            return this;
        }

        /** The clock ages and sessions are computed with (tests). @return this */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the dashboard
         * @throws IllegalStateException when neither an authenticator nor application authentication was chosen
         */
        public Dashboard build() {
            if (authenticator == null && !applicationAuthenticates) {
                throw new IllegalStateException(
                        "the dashboard needs an authenticator (Authenticator.password(user, password)),"
                                + " or applicationAuthenticates() when the application's security guards it");
            }
            return new Dashboard(this);
        }
    }
}
