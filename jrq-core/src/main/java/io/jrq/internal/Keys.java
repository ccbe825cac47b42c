package io.jrq.internal;

import io.jrq.JobNames;

/**
 * Builds every Redis key and channel name jrq uses; no other class spells a key. Every key that
 * belongs to a queue carries the queue's hash tag ({@code {name}}), so one queue lives in one
 * cluster slot and no script crosses slots. See docs/PROTOCOL.md for what each key holds.
 */
public final class Keys {
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
     * The public rule ({@link JobNames#checkQueueName}), here too so that the classes that spell keys
     * check the names they put in them.
     *
     * @param queue a queue name
     * @return the name, if valid
     * @throws IllegalArgumentException naming the bad value otherwise
     */
    public static String checkQueueName(String queue) {
        if (queue != null && isPartitionName(queue)) {
            return queue;
        }
        return JobNames.checkQueueName(queue);
    }

    /** What separates a partition's number from its queue's name; no queue name may contain it. */
    public static final char PARTITION_MARK = '~';

    /**
     * @param queue a queue name
     * @param n a partition's number, 1 or more (partition 0 is the queue itself)
     * @return the name of the queue under which that partition's keys are built ({@code emails~3}):
     *     a queue of its own to every script, with its own hash tag, so in a cluster its slot differs
     */
    public static String partitionName(String queue, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("partition numbers start at 1, got " + n);
        }
        return JobNames.checkQueueName(queue) + PARTITION_MARK + n;
    }

    /**
     * @param name a queue or partition name
     * @return true when it names a partition other than 0 ({@code <queue>~<1-999999>})
     */
    public static boolean isPartitionName(String name) {
        int mark = name.indexOf(PARTITION_MARK);
        if (mark < 1 || mark == name.length() - 1 || name.length() - mark - 1 > 6 || name.charAt(mark + 1) == '0') {
            return false;
        }
        for (int i = mark + 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return JobNames.isQueueName(name.substring(0, mark));
    }

    /**
     * @param name a queue or partition name
     * @return the queue it belongs to: the name itself for a queue, {@code emails} for {@code emails~3}
     */
    public static String queueOf(String name) {
        return isPartitionName(name) ? name.substring(0, name.indexOf(PARTITION_MARK)) : name;
    }

    private String q(String queue) {
        return prefix + ":{" + queue + "}:";
    }

    /** @return LIST of job ids waiting in the queue; pushed left, popped right */
    public String ready(String queue) {
        return q(queue) + "ready";
    }

    /**
     * @return HASH of plain queued jobs kept in compact form, id -&gt; {@code <enqueued_at ms>:<payload>};
     *     a job moves to its own hash ({@link #job}) when it is leased or changed (docs/PROTOCOL.md)
     */
    public String queued(String queue) {
        return q(queue) + "queued";
    }

    /**
     * @return HASH of the payloads of running jobs leased from the compact form, id -&gt; payload; the
     *     job's own hash ({@link #job}) holds its lease fields without the payload (lib/running.lua)
     */
    public String payloads(String queue) {
        return q(queue) + "payloads";
    }

    /** @return HASH of counters kept for ever: {@code finished}, {@code failed} (jobs that ended so) */
    public String stats(String queue) {
        return q(queue) + "stats";
    }

    /** @return ZSET of leased job ids, scored by lease deadline in ms (Redis time) */
    public String active(String queue) {
        return q(queue) + "active";
    }

    /** @return ZSET registry of failed jobs, scored by expiry in ms */
    public String failed(String queue) {
        return q(queue) + "failed";
    }

    /** @return ZSET of jobs due later (delayed jobs, retries waiting out their backoff), scored by due time in ms */
    public String scheduled(String queue) {
        return q(queue) + "scheduled";
    }

    /** @return ZSET of jobs waiting for their dependencies, scored by enqueue time in ms */
    public String deferred(String queue) {
        return q(queue) + "deferred";
    }

    /** @return ZSET registry of finished jobs, scored by expiry in ms */
    public String finished(String queue) {
        return q(queue) + "finished";
    }

    /** @return ZSET registry of canceled and stopped jobs, scored by expiry in ms */
    public String canceled(String queue) {
        return q(queue) + "canceled";
    }

    /** @return STRING present while the queue is paused */
    public String paused(String queue) {
        return q(queue) + "paused";
    }

    /** @return HASH of the queue's limits: concurrency, rate, period_ms */
    public String limits(String queue) {
        return q(queue) + "limits";
    }

    /** @return STRING counting jobs leased in the current rate-limit window; expires with the window */
    public String rate(String queue) {
        return q(queue) + "rate";
    }

    /** @return the prefix of the queue's unique-key strings; each names the job holding the key */
    public String uniquePrefix(String queue) {
        return q(queue) + "unique:";
    }

    /** @return the prefix of the SETs of dependencies ("queue/id") a deferred job still waits for */
    public String pendingDepsPrefix(String queue) {
        return q(queue) + "deps:";
    }

    /** @return the prefix of the SETs of jobs ("queue/id") waiting for a job of this queue */
    public String dependentsPrefix(String queue) {
        return q(queue) + "dependents:";
    }

    /** @return HASH of the queue's recurring jobs: name -> definition JSON */
    public String recurring(String queue) {
        return q(queue) + "recurring";
    }

    /** @return ZSET of the queue's recurring jobs, scored by their next due time in ms (Redis time) */
    public String recurringDue(String queue) {
        return q(queue) + "recurring:due";
    }

    /** @return the prefix of the queue's job hashes; a job's key is this plus its id */
    public String jobPrefix(String queue) {
        return q(queue) + "job:";
    }

    /** @return HASH of one job */
    public String job(String queue, String id) {
        return jobPrefix(queue) + id;
    }

    /**
     * @return HASH describing a queue's partitions, kept in partition 0's slot: {@code count} (how
     *     many take new jobs), {@code names} (every partition that may hold jobs, comma-separated,
     *     partition 0 first), {@code changed_at}; absent for a queue that was never partitioned
     */
    public String partitions(String queue) {
        return q(queue) + "partitions";
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

    /**
     * @return STRING holding the protocol version of the jobs in this Redis under this prefix ("1");
     *     every client claims it with {@code SET NX} when it connects and refuses another version
     */
    public String protocol() {
        return prefix + ":protocol";
    }

    /** @return SET of the names of all queues ever used */
    public String queues() {
        return prefix + ":queues";
    }

    /** @return SET of the names of registered workers (members whose hash expired are stale) */
    public String workers() {
        return prefix + ":workers";
    }

    /** @return pub/sub channel on which one worker receives commands (stop a job) */
    public String commands(String worker) {
        return prefix + ":worker:" + worker + ":commands";
    }

    /** @return HASH describing one worker; expires unless the worker's heartbeat renews it */
    public String worker(String name) {
        return prefix + ":worker:" + name;
    }
}
