package io.jrq.internal;

import java.util.regex.Pattern;

/**
 * Builds every Redis key and channel name jrq uses; no other class spells a key. Every key that
 * belongs to a queue carries the queue's hash tag ({@code {name}}), so one queue lives in one
 * cluster slot and no script crosses slots. See docs/PROTOCOL.md for what each key holds.
 */
public final class Keys {
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private final String prefix;

    /** @param prefix the configured key prefix, normally {@code jrq} */
    public Keys(String prefix) {
        this.prefix = prefix;
    }

    /** @return the configured prefix */
    public String prefix() {
        return prefix;
    }

    /**
     * @param queue a queue name
     * @return the name, if valid
     * @throws IllegalArgumentException naming the bad value otherwise
     */
    public static String checkQueueName(String queue) {
        if (queue == null || !QUEUE_NAME.matcher(queue).matches()) {
            throw new IllegalArgumentException("queue name must be 1-100 characters of A-Z a-z 0-9 _ . -, got: '" + queue + "'");
        }
        return queue;
    }

    private String q(String queue) {
        return prefix + ":{" + queue + "}:";
    }

    /** @return LIST of job ids waiting in the queue; pushed left, popped right */
    public String ready(String queue) {
        return q(queue) + "ready";
    }

    /** @return ZSET of leased job ids, scored by lease deadline in ms (Redis time) */
    public String active(String queue) {
        return q(queue) + "active";
    }

    /** @return ZSET of failed job ids, scored by end time in ms */
    public String failed(String queue) {
        return q(queue) + "failed";
    }

    /** @return the prefix of the queue's job hashes; a job's key is this plus its id */
    public String jobPrefix(String queue) {
        return q(queue) + "job:";
    }

    /** @return HASH of one job */
    public String job(String queue, String id) {
        return jobPrefix(queue) + id;
    }

    /** @return pub/sub channel on which the queue's job events are published */
    public String events(String queue) {
        return q(queue) + "events";
    }

    /**
     * @param channel a channel name
     * @return the queue whose events channel this is, or null
     */
    public String queueOfEvents(String channel) {
        String head = prefix + ":{";
        String tail = "}:events";
        if (channel.startsWith(head) && channel.endsWith(tail)) {
            return channel.substring(head.length(), channel.length() - tail.length());
        }
        return null;
    }

    /** @return SET of the names of all queues ever used */
    public String queues() {
        return prefix + ":queues";
    }

    /** @return SET of the names of registered workers (members whose hash expired are stale) */
    public String workers() {
        return prefix + ":workers";
    }

    /** @return HASH describing one worker; expires unless the worker's heartbeat renews it */
    public String worker(String name) {
        return prefix + ":worker:" + name;
    }
}
