package io.jrq.dashboard.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.jrq.Admin;
import io.jrq.JobInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pushed updates: one thread reads, once per interval, what the connected pages show (the
 * overview when any page wants it, each watched job once) and hands the same JSON to every
 * subscriber of that topic. The interval is the server's: a browser can open more streams, but
 * not make Redis be read more often, and streams beyond {@link #maxStreams} are refused.
 */
public final class LiveFeed implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LiveFeed.class);
    /** The topic of the overview (also serving the queue and workers pages). */
    static final String OVERVIEW = "overview";

    /** One connected page: the latest update of its topic waits here (older ones are dropped). */
    final class Subscription implements AutoCloseable {
        private final String topic;
        private final BlockingQueue<String> updates = new ArrayBlockingQueue<>(1);

        private Subscription(String topic) {
            this.topic = topic;
        }

        /** @return the next update, or null when none came within the wait */
        String next(Duration wait) throws InterruptedException {
            return updates.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        }

        void offer(String update) {
            while (!updates.offer(update)) {
                updates.poll();
            }
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }

    private final Admin admin;
    private final Clock clock;
    private final Duration interval;
    private final int maxStreams;
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final Map<String, String> latest = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();
    private volatile ScheduledExecutorService poller;

    /**
     * @param admin where the data comes from
     * @param clock the clock ages are computed with
     * @param interval how often Redis is read while pages are connected
     * @param maxStreams the most streams open at once
     */
    public LiveFeed(Admin admin, Clock clock, Duration interval, int maxStreams) {
        this.admin = admin;
        this.clock = clock;
        this.interval = interval;
        this.maxStreams = maxStreams;
    }

    /**
     * @param topic {@link #OVERVIEW} or {@code job:<queue>/<id>}
     * @return the subscription, already holding the topic's latest update if there is one; null when
     *     {@link #maxStreams} streams are open
     */
    Subscription subscribe(String topic) {
        synchronized (this) {
            if (subscriptions.size() >= maxStreams) {
                return null;
            }
            if (poller == null) {
                poller = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "jrq-dashboard-live");
                    t.setDaemon(true);
                    return t;
                });
                poller.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
            }
            Subscription s = new Subscription(topic);
            subscriptions.add(s);
            String last = latest.get(topic);
            if (last != null) {
                s.offer(last);
            }
            return s;
        }
    }

    /** @return how many read passes over Redis the feed has made (for tests) */
    long reads() {
        return reads.get();
    }

    /** @return the server's interval between reads */
    Duration interval() {
        return interval;
    }

    private void tick() {
        try {
            Set<String> topics = new HashSet<>();
            subscriptions.forEach(s -> topics.add(s.topic));
            if (topics.isEmpty()) {
                latest.clear();
                return;
            }
            reads.incrementAndGet();
            long readAt = clock.millis();
            Map<String, String> updates = new LinkedHashMap<>();
            for (String topic : topics) {
                updates.put(topic, read(topic, readAt));
            }
            latest.keySet().retainAll(topics);
            latest.putAll(updates);
            for (Subscription s : subscriptions) {
                String u = updates.get(s.topic);
                if (u != null) {
                    s.offer(u);
                }
            }
        } catch (RuntimeException e) {
            // Redis away for a moment: pages keep their last data and say so; the next tick retries.
            log.warn("the dashboard's live update failed: {}", e.getMessage());
            String down = "{\"unavailable\":" + quote("Redis could not be read: " + e.getMessage()) + "}";
            subscriptions.forEach(s -> s.offer(down));
        }
    }

    /**
     * Reads a topic into its update, which carries when the read began (field {@code "readAtMs"}, epoch ms).
     * A page drops updates read before it was rendered: the latest update handed to a new
     * subscriber, or a read that was under way when an action changed the queue, would otherwise
     * undo what the page just showed (a queue resumed a moment ago shown paused again until the
     * next read).
     */
    private String read(String topic, long readAt) {
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("readAtMs", readAt);
        if (topic.equals(OVERVIEW)) {
            update.putAll(Overview.read(admin, clock).toJson());
        } else {
            String ref = topic.substring("job:".length());
            int slash = ref.indexOf('/');
            Optional<JobInfo> job = admin.job(ref.substring(0, slash), ref.substring(slash + 1));
            if (job.isPresent()) {
                update.putAll(Views.job(job.get()));
            } else {
                update.put("gone", true);
            }
        }
        try {
            return Json.MAPPER.writeValueAsString(update);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            return "\"\"";
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (poller != null) {
                poller.shutdownNow();
                poller = null;
            }
        }
    }
}
