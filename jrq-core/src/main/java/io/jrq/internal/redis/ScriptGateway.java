package io.jrq.internal.redis;

import io.jrq.QueueLimits;
import io.jrq.internal.Keys;
import io.jrq.internal.codec.Json;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that knows each Lua script's contract: one method per script, which builds its
 * {@code KEYS} from {@link Keys} in the order the script's header lists them, writes its
 * {@code ARGV}, and reads its reply into a small immutable record. Callers never see Lettuce's
 * script API or a reply read by position. The contracts are in the header of each script
 * ({@code jrq-core/src/main/resources/io/jrq/lua/<name>.lua}) and in docs/PROTOCOL.md.
 *
 * <p>Scripts run through {@link Scripts} ({@code EVALSHA}, {@code EVAL} once on
 * {@code NOSCRIPT}) on the client's shared connection, or, where a method takes one, on a
 * connection of the caller's.
 */
public final class ScriptGateway {
    private final Redis redis;
    private final Keys keys;
    private final Scripts scripts;
    /** fetch.lua's KEYS per queue, built once: the fetch runs for every batch and they never change. */
    private final ConcurrentHashMap<String, FetchKeys> fetchKeys = new ConcurrentHashMap<>();

    /**
     * @param redis the client's connections
     * @param keys key builder
     */
    public ScriptGateway(Redis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = new Scripts(redis);
    }

    /** A job fetch.lua leased, renew.lua renews, requeue.lua or unclaimed.lua give back: its id and lease token. */
    public interface Lease {
        /** @return the job id */
        String id();

        /** @return the lease token the fetch gave ({@code <worker>:<leases>}) */
        String token();
    }

    /** An outcome fetch.lua records (ARGV[8 + 6(i-1)] and on). */
    public interface Ack {
        /** @return the job, under the lease its outcome is fenced by */
        Lease job();

        /** @return FINISHED, FAILED, STOPPED or RETRY */
        String status();

        /** @return the result JSON when FINISHED, else the error JSON */
        String data();

        /** @return how long the ended job is kept, in seconds */
        long ttlSeconds();

        /** @return the retry backoff in ms (RETRY) */
        long delayMs();
    }

    /** A job enqueue.lua stores (ARGV[8 + 3(k-1)] and on). */
    public interface NewJob {
        /** @return the job id */
        String id();

        /** @return the envelope JSON */
        String payload();

        /** @return the unique key, or null */
        String uniqueKey();
    }

    // ---------------------------------------------------------------- enqueue.lua

    /**
     * Prepares the {@code enqueue.lua} calls of one enqueue: the KEYS and the ARGV every batch shares.
     * See {@code enqueue.lua}: KEYS ready, job prefix, scheduled, unique prefix, pending-dependencies
     * prefix, deferred, queued; ARGV flags (1 = at the front), due time, delay, unique scope, unique
     * TTL, dependencies as JSON, dependency policy, then id, payload, unique key per job.
     *
     * @param queue the queue
     * @param atFront run the jobs next rather than after those waiting
     * @param atMs due time in ms since the epoch, or -1
     * @param delayMs delay in ms, or -1
     * @param uniqueScope Q, A or T
     * @param uniqueTtlMs the unique key's TTL in ms (scope T), else -1
     * @param deps the dependencies as "queue/id"
     * @param depPolicy "cancel" or "run"
     * @return the prepared call; send it once per batch
     */
    public Enqueue enqueue(
            String queue,
            boolean atFront,
            long atMs,
            long delayMs,
            String uniqueScope,
            long uniqueTtlMs,
            List<String> deps,
            String depPolicy) {
        String[] k = {
            keys.ready(queue),
            keys.jobPrefix(queue),
            keys.scheduled(queue),
            keys.uniquePrefix(queue),
            keys.pendingDepsPrefix(queue),
            keys.deferred(queue),
            keys.queued(queue),
            keys.payloads(queue)
        };
        // Bit 0: at the front. Bit 1 (every id was generated, skip the check for an existing job)
        // is never set: a call the driver sends again after a reconnect must find the jobs the
        // first one stored, and must not push them twice.
        String[] head = {
            atFront ? "1" : "0",
            Long.toString(atMs),
            Long.toString(delayMs),
            uniqueScope,
            Long.toString(uniqueTtlMs),
            depsJson(deps),
            depPolicy
        };
        return new Enqueue(k, head, atFront);
    }

    /**
     * Reads every script from the jar, resolves its includes and hashes it now, rather than on the
     * first call that needs one.
     */
    public static void loadScripts() {
        Script.values();
    }

    /**
     * The dependencies as {@code enqueue.lua}'s {@code ARGV[6]}: a JSON array of strings. Written
     * with the shared mapper, not through a tree's {@code toString}, whose first use builds a mapper
     * of its own; most calls have none.
     */
    static String depsJson(List<String> deps) {
        if (deps.isEmpty()) {
            return "[]";
        }
        try {
            return Json.mapper().writeValueAsString(deps);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
    }

    /** The {@code enqueue.lua} calls of one enqueue, prepared by {@link #enqueue}. */
    public final class Enqueue {
        private final String[] k;
        private final String[] head;
        private final boolean atFront;

        private Enqueue(String[] k, String[] head, boolean atFront) {
            this.k = k;
            this.head = head;
            this.atFront = atFront;
        }

        /**
         * Stores one batch, atomically: all its jobs or none.
         *
         * @param on the connection to send it on (the shared one, or a dedicated one for a durable write)
         * @param batch the jobs
         * @return the pending reply; a failure is translated ({@code JRQ_JOB_EXISTS} becomes
         *     {@link io.jrq.JobExistsException})
         */
        public CompletableFuture<EnqueueReply> send(Commands on, List<? extends NewJob> batch) {
            return send(on.async, batch);
        }

        private CompletableFuture<EnqueueReply> send(
                RedisClusterAsyncCommands<String, String> on, List<? extends NewJob> batch) {
            String[] args = new String[7 + 3 * batch.size()];
            System.arraycopy(head, 0, args, 0, 7);
            int i = 7;
            // The front of the queue is the right end: the last job pushed at the front runs first,
            // so push in reverse to keep the given order.
            for (int j = 0; j < batch.size(); j++) {
                NewJob job = batch.get(atFront ? batch.size() - 1 - j : j);
                args[i++] = job.id();
                args[i++] = job.payload();
                args[i++] = job.uniqueKey() == null ? "" : job.uniqueKey();
            }
            return scripts.<List<Object>>run(on, Script.ENQUEUE, ScriptOutputType.MULTI, k, args)
                    .thenApply(r -> EnqueueReply.parse(r, atFront));
        }

        /** Like {@link #send(Commands, List)} on the shared connection. */
        public CompletableFuture<EnqueueReply> send(List<? extends NewJob> batch) {
            return send(redis.async(), batch);
        }
    }

    /**
     * What {@code enqueue.lua} returned for one batch.
     *
     * @param enqueuedAtMs the Redis time the jobs were stored at
     * @param ids per job in the order given, its id, or the id of the existing job its unique key named
     */
    public record EnqueueReply(long enqueuedAtMs, List<String> ids) {
        @SuppressWarnings("unchecked")
        static EnqueueReply parse(List<Object> r, boolean atFront) {
            List<Object> got = (List<Object>) r.get(1);
            List<String> ids = new ArrayList<>(got.size());
            got.forEach(o -> ids.add((String) o));
            if (atFront) {
                Collections.reverse(ids);
            }
            return new EnqueueReply((Long) r.get(0), ids);
        }
    }

    // ---------------------------------------------------------------- fetch.lua

    /**
     * The ARGV of one worker's fetches that never change (worker name, lease, registry caps,
     * payload limit), as text once: the fetch runs for every batch.
     */
    public static final class FetchSettings {
        final String worker;
        final String leaseMs;
        final String failedJobsMax;
        final String finishedJobsMax;
        final String maxPayloadBytes;

        /**
         * @param worker the worker's name (ARGV[1])
         * @param leaseMs the lease in ms (ARGV[2])
         * @param failedJobsMax the cap of the failed and canceled registries (ARGV[5])
         * @param finishedJobsMax the cap of the finished registry (ARGV[6])
         * @param maxPayloadBytes the largest payload a leased job may have (the last ARGV)
         */
        public FetchSettings(String worker, long leaseMs, int failedJobsMax, int finishedJobsMax, int maxPayloadBytes) {
            this.worker = worker;
            this.leaseMs = Long.toString(leaseMs);
            this.failedJobsMax = Integer.toString(failedJobsMax);
            this.finishedJobsMax = Integer.toString(finishedJobsMax);
            this.maxPayloadBytes = Integer.toString(maxPayloadBytes);
        }
    }

    private record FetchKeys(String[] keys, String events) {
        static FetchKeys of(Keys keys, String q) {
            return new FetchKeys(
                    new String[] {
                        keys.ready(q),
                        keys.active(q),
                        keys.jobPrefix(q),
                        keys.failed(q),
                        keys.scheduled(q),
                        keys.finished(q),
                        keys.canceled(q),
                        keys.paused(q),
                        keys.limits(q),
                        keys.rate(q),
                        keys.uniquePrefix(q),
                        keys.dependentsPrefix(q),
                        keys.queued(q),
                        keys.stats(q),
                        keys.payloads(q)
                    },
                    keys.events(q));
        }
    }

    /**
     * Prepares one {@code fetch.lua} call: record {@code acks} and lease up to {@code want} jobs.
     * See {@code fetch.lua}: KEYS ready, active, job prefix, failed, scheduled, finished, canceled,
     * paused, limits, rate, unique prefix, dependents prefix, queued, stats, running; ARGV worker, lease,
     * want, events channel, registry caps, the outcomes (id, token, outcome, data, ttl, delay each)
     * and the payload limit. Prepared before it is sent, so that a fetch pipelined behind a wait
     * follows it at once.
     *
     * @param queue the queue
     * @param settings the worker's fixed ARGV
     * @param acks outcomes to record, fenced by their lease tokens
     * @param want how many jobs to lease (0: only record the outcomes)
     * @return the call, to send once
     */
    public Fetch fetch(String queue, FetchSettings settings, List<? extends Ack> acks, int want) {
        FetchKeys fk = fetchKeys.computeIfAbsent(queue, q -> FetchKeys.of(keys, q));
        String[] a = new String[8 + 6 * acks.size()];
        a[0] = settings.worker;
        a[1] = settings.leaseMs;
        a[2] = Integer.toString(want);
        a[3] = fk.events();
        a[4] = settings.failedJobsMax;
        a[5] = settings.finishedJobsMax;
        a[6] = Integer.toString(acks.size());
        int i = 7;
        for (Ack c : acks) {
            a[i++] = c.job().id();
            a[i++] = c.job().token();
            a[i++] = c.status();
            a[i++] = c.data();
            a[i++] = Long.toString(c.ttlSeconds());
            a[i++] = Long.toString(c.delayMs());
        }
        a[i] = settings.maxPayloadBytes;
        return new Fetch(queue, fk.keys(), a);
    }

    /** One {@code fetch.lua} call, prepared by {@link #fetch}. */
    public final class Fetch {
        private final String queue;
        private final String[] k;
        private final String[] args;

        private Fetch(String queue, String[] k, String[] args) {
            this.queue = queue;
            this.k = k;
            this.args = args;
        }

        /** @return the reply, once Redis has answered on the shared connection */
        public FetchReply call() {
            return FetchReply.parse(queue, scripts.<List<Object>>call(Script.FETCH, ScriptOutputType.MULTI, k, args));
        }

        /** @return the pending reply on the shared connection */
        public CompletableFuture<FetchReply> run() {
            return run(redis.async());
        }

        /**
         * @param on the connection to send it on: a queue waiter's, behind its {@code BLMOVE}
         * @return the pending reply
         */
        public CompletableFuture<FetchReply> run(BlockingConnection on) {
            return run(on.async());
        }

        private CompletableFuture<FetchReply> run(RedisClusterAsyncCommands<String, String> on) {
            return scripts.<List<Object>>run(on, Script.FETCH, ScriptOutputType.MULTI, k, args)
                    .thenApply(r -> FetchReply.parse(queue, r));
        }
    }

    /**
     * What one {@code fetch.lua} call returned: which outcomes were recorded, the leased jobs, how
     * long until something falls due, whether the queue is blocked, the dependents to release, the
     * bad records skipped and the suspects. The leased jobs are read by index from the reply itself,
     * so the reply costs no object per job beyond the caller's own.
     */
    public static final class FetchReply {
        private final List<Object> accepted;
        private final List<Object> jobs;
        private final long waitMs;
        private final boolean blocked;
        private final List<EndedJob> released;
        private final List<String> warnings;
        private final List<String> suspects;

        private FetchReply(
                List<Object> accepted,
                List<Object> jobs,
                long waitMs,
                boolean blocked,
                List<EndedJob> released,
                List<String> warnings,
                List<String> suspects) {
            this.accepted = accepted;
            this.jobs = jobs;
            this.waitMs = waitMs;
            this.blocked = blocked;
            this.released = released;
            this.warnings = warnings;
            this.suspects = suspects;
        }

        @SuppressWarnings("unchecked")
        static FetchReply parse(String queue, List<Object> reply) {
            List<Object> warnings = reply.size() > 5 ? (List<Object>) reply.get(5) : List.of();
            List<Object> suspects = reply.size() > 6 ? (List<Object>) reply.get(6) : List.of();
            return new FetchReply(
                    (List<Object>) reply.get(0),
                    (List<Object>) reply.get(1),
                    (Long) reply.get(2),
                    (Long) reply.get(3) == 1,
                    EndedJob.parseAll(queue, (List<Object>) reply.get(4)),
                    texts(warnings),
                    texts(suspects));
        }

        /** @return true when outcome {@code i} of the call was recorded, false when its lease token no longer held */
        public boolean accepted(int i) {
            return Long.valueOf(1).equals(accepted.get(i));
        }

        /** @return how many jobs were leased */
        public int jobCount() {
            return jobs.size() / 5;
        }

        /** @return leased job {@code j}'s id */
        public String id(int j) {
            return (String) jobs.get(5 * j);
        }

        /** @return leased job {@code j}'s payload */
        public String payload(int j) {
            return (String) jobs.get(5 * j + 1);
        }

        /** @return leased job {@code j}'s lease token */
        public String token(int j) {
            return (String) jobs.get(5 * j + 2);
        }

        /** @return leased job {@code j}'s attempt, from 1 */
        public int attempt(int j) {
            return ((Long) jobs.get(5 * j + 3)).intValue();
        }

        /** @return ms leased job {@code j} waited since it became ready, on the Redis clock */
        public long waitedMs(int j) {
            return (Long) jobs.get(5 * j + 4);
        }

        /** @return ms until a scheduled job falls due or the rate limit allows more, -1 when nothing is pending */
        public long waitMs() {
            return waitMs;
        }

        /** @return true when the queue is paused or at a limit */
        public boolean blocked() {
            return blocked;
        }

        /** @return the ended jobs with dependents, for the release */
        public List<EndedJob> released() {
            return released;
        }

        /** @return what was wrong with the records skipped, for the log */
        public List<String> warnings() {
            return warnings;
        }

        /** @return the ids of leased jobs that lost a lease before: their start is marked with {@link ScriptGateway#start} */
        public List<String> suspects() {
            return suspects;
        }
    }

    /** @return the entries as text; the same empty list when there are none (the usual case) */
    private static List<String> texts(List<Object> values) {
        if (values.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(values.size());
        values.forEach(v -> out.add(String.valueOf(v)));
        return out;
    }

    // ---------------------------------------------------------------- the worker's other scripts

    /**
     * Renews the leases a worker holds in a queue ({@code renew.lua}: KEYS active, job prefix;
     * ARGV lease in ms, then id and token per job).
     *
     * @param queue the queue
     * @param leaseMs the new lease
     * @param held the jobs held there
     * @return the ids whose lease is lost and those someone asked to stop
     */
    public RenewReply renew(String queue, long leaseMs, List<? extends Lease> held) {
        String[] args = new String[1 + 2 * held.size()];
        args[0] = Long.toString(leaseMs);
        int i = 1;
        for (Lease l : held) {
            args[i++] = l.id();
            args[i++] = l.token();
        }
        List<Object> reply = scripts.call(
                Script.RENEW, ScriptOutputType.MULTI, new String[] {keys.active(queue), keys.jobPrefix(queue)}, args);
        return RenewReply.parse(reply);
    }

    /**
     * What {@code renew.lua} returned.
     *
     * @param lost ids whose lease the worker no longer holds (not renewed; their outcome must not be recorded)
     * @param stop ids of jobs someone asked to stop
     */
    public record RenewReply(List<String> lost, List<String> stop) {
        @SuppressWarnings("unchecked")
        static RenewReply parse(List<Object> reply) {
            return new RenewReply(texts((List<Object>) reply.get(0)), texts((List<Object>) reply.get(1)));
        }
    }

    /**
     * Returns jobs with expired leases to the queue, or fails them past {@code maxRecoveries}, and
     * trims the registries ({@code reap.lua}: KEYS active, ready, job prefix, failed, dependents
     * prefix, finished, canceled, stats, running; ARGV max recoveries, limit, events channel, failed cap,
     * failure TTL).
     *
     * @param queue the queue
     * @param maxRecoveries runs a job may lose before it fails
     * @param limit the most jobs reaped by this call
     * @param failedJobsMax the cap of the failed registry
     * @param failureTtlSeconds how long a failed job is kept (-1: until deleted)
     * @return the counts and the failed jobs' dependents
     */
    public ReapReply reap(String queue, int maxRecoveries, int limit, int failedJobsMax, long failureTtlSeconds) {
        List<Object> r = scripts.call(
                Script.REAP,
                ScriptOutputType.MULTI,
                new String[] {
                    keys.active(queue),
                    keys.ready(queue),
                    keys.jobPrefix(queue),
                    keys.failed(queue),
                    keys.dependentsPrefix(queue),
                    keys.finished(queue),
                    keys.canceled(queue),
                    keys.stats(queue),
                    keys.payloads(queue)
                },
                Integer.toString(maxRecoveries),
                Integer.toString(limit),
                keys.events(queue),
                Integer.toString(failedJobsMax),
                Long.toString(failureTtlSeconds));
        return ReapReply.parse(queue, r);
    }

    /**
     * What {@code reap.lua} returned.
     *
     * @param requeued jobs given back to the queue
     * @param failed jobs failed after too many recoveries
     * @param released the failed jobs with dependents, for the release
     */
    public record ReapReply(long requeued, long failed, List<EndedJob> released) {
        @SuppressWarnings("unchecked")
        static ReapReply parse(String queue, List<Object> r) {
            return new ReapReply((Long) r.get(0), (Long) r.get(1), EndedJob.parseAll(queue, (List<Object>) r.get(2)));
        }
    }

    /**
     * Gives back at once the jobs of a worker whose subscription is gone, after checking it again
     * atomically ({@code recover.lua}: KEYS active, ready, job prefix, failed, dependents prefix,
     * stats, running; ARGV worker, its command channel, max recoveries, events channel, failed cap, failure TTL).
     *
     * @param queue the queue
     * @param worker the gone worker's name
     * @param maxRecoveries runs a job may lose before it fails
     * @param failedJobsMax the cap of the failed registry
     * @param failureTtlSeconds how long a failed job is kept (-1: until deleted)
     * @return how many jobs were given back or failed (-1: the worker is subscribed again) and the dependents to release
     */
    public RecoverReply recover(
            String queue, String worker, int maxRecoveries, int failedJobsMax, long failureTtlSeconds) {
        List<Object> r = scripts.call(
                Script.RECOVER,
                ScriptOutputType.MULTI,
                new String[] {
                    keys.active(queue),
                    keys.ready(queue),
                    keys.jobPrefix(queue),
                    keys.failed(queue),
                    keys.dependentsPrefix(queue),
                    keys.stats(queue),
                    keys.payloads(queue)
                },
                worker,
                keys.commands(worker),
                Integer.toString(maxRecoveries),
                keys.events(queue),
                Integer.toString(failedJobsMax),
                Long.toString(failureTtlSeconds));
        return RecoverReply.parse(queue, r);
    }

    /**
     * What {@code recover.lua} returned.
     *
     * @param recovered -1 when the worker is subscribed again (nothing done), else the jobs given back or failed
     * @param released the failed jobs with dependents, for the release
     */
    public record RecoverReply(long recovered, List<EndedJob> released) {
        @SuppressWarnings("unchecked")
        static RecoverReply parse(String queue, List<Object> r) {
            return new RecoverReply((Long) r.get(0), EndedJob.parseAll(queue, (List<Object>) r.get(1)));
        }
    }

    /**
     * Marks the start of a suspect's run ({@code start.lua}: KEYS job prefix; ARGV id, token).
     *
     * @param queue the job's queue
     * @param job the job under its lease
     * @return false when the lease is no longer this worker's (the job must then not run)
     */
    public boolean start(String queue, Lease job) {
        Long ok = scripts.call(
                Script.START, ScriptOutputType.INTEGER, new String[] {keys.jobPrefix(queue)}, job.id(), job.token());
        return ok != null && ok != 0;
    }

    /**
     * Gives unfinished jobs back to the front of the queue at shutdown, attempt returned
     * ({@code requeue.lua}: KEYS active, ready, job prefix, running; ARGV id, token per job).
     *
     * @param queue the queue
     * @param jobs the jobs held there
     * @return how many were given back (a job whose lease was lost is left alone)
     */
    public long requeue(String queue, List<? extends Lease> jobs) {
        Long n = scripts.call(
                Script.REQUEUE,
                ScriptOutputType.INTEGER,
                new String[] {keys.active(queue), keys.ready(queue), keys.jobPrefix(queue), keys.payloads(queue)},
                leaseArgs(null, jobs));
        return n == null ? 0 : n;
    }

    /**
     * Gives back the jobs leased to this worker by a fetch whose reply it never read: every STARTED
     * job of the worker in the queue under a token it does not hold ({@code unclaimed.lua}: KEYS
     * active, ready, job prefix, running; ARGV worker, then id and token per job held).
     *
     * @param queue the queue
     * @param worker this worker's name
     * @param held every job the worker holds in the queue
     * @return the ids given back
     */
    public List<String> unclaimed(String queue, String worker, List<? extends Lease> held) {
        List<Object> given = scripts.call(
                Script.UNCLAIMED,
                ScriptOutputType.MULTI,
                new String[] {keys.active(queue), keys.ready(queue), keys.jobPrefix(queue), keys.payloads(queue)},
                leaseArgs(worker, held));
        return texts(given);
    }

    private static String[] leaseArgs(String first, List<? extends Lease> jobs) {
        int at = first == null ? 0 : 1;
        String[] args = new String[at + 2 * jobs.size()];
        if (first != null) {
            args[0] = first;
        }
        for (Lease l : jobs) {
            args[at++] = l.id();
            args[at++] = l.token();
        }
        return args;
    }

    // ---------------------------------------------------------------- recurring jobs

    /**
     * Reads a queue's due recurring jobs with the Redis time ({@code recurring-due.lua}: KEYS
     * recurring due, recurring; ARGV the most jobs to return).
     *
     * @param queue the queue
     * @param max the most jobs to return
     * @return the Redis time and the due jobs, earliest first
     */
    public DueReply recurringDue(String queue, int max) {
        List<Object> r = scripts.call(
                Script.RECURRING_DUE,
                ScriptOutputType.MULTI,
                new String[] {keys.recurringDue(queue), keys.recurring(queue)},
                Integer.toString(max));
        return DueReply.parse(r);
    }

    /**
     * What {@code recurring-due.lua} returned.
     *
     * @param nowMs the Redis time in ms
     * @param due the due jobs, earliest first
     */
    public record DueReply(long nowMs, List<Due> due) {
        static DueReply parse(List<Object> r) {
            List<Due> due = new ArrayList<>((r.size() - 1) / 3);
            for (int i = 1; i + 2 < r.size(); i += 3) {
                due.add(new Due(
                        (String) r.get(i), (long) Double.parseDouble((String) r.get(i + 1)), (String) r.get(i + 2)));
            }
            return new DueReply((Long) r.get(0), due);
        }
    }

    /**
     * A due recurring job.
     *
     * @param name its name
     * @param dueMs the due time read, the tick to take
     * @param definition its definition JSON ('' when the hash has none)
     */
    public record Due(String name, long dueMs, String definition) {}

    /** What {@code tick.lua} did. */
    public enum Tick {
        /** Not taken: another worker took it, the job changed or was deleted, or it is not due on the Redis clock. */
        NOT_TAKEN,
        /** Taken, and its run enqueued. */
        ENQUEUED,
        /** Taken without a run: skipped, or a job with the run's id exists already. */
        TAKEN_WITHOUT_RUN
    }

    /**
     * Takes one tick of a recurring job ({@code tick.lua}: KEYS recurring due, recurring, ready,
     * job prefix; ARGV name, due time read, next due time, run id ('' to skip), payload, definition read).
     *
     * @param queue the queue
     * @param name the recurring job
     * @param dueMs the due time read: the tick to take
     * @param nextMs the next due time
     * @param runId the run's id, or '' to skip the tick without a run
     * @param payload the run's envelope JSON, or ''
     * @param definition the definition read; the tick is not taken if it changed since
     * @return what happened
     */
    public Tick tick(
            String queue, String name, long dueMs, long nextMs, String runId, String payload, String definition) {
        Long taken = scripts.call(
                Script.TICK,
                ScriptOutputType.INTEGER,
                new String[] {keys.recurringDue(queue), keys.recurring(queue), keys.ready(queue), keys.jobPrefix(queue)
                },
                name,
                Long.toString(dueMs),
                Long.toString(nextMs),
                runId,
                payload,
                definition);
        if (taken == null || taken == 0) {
            return Tick.NOT_TAKEN;
        }
        return taken == 1 ? Tick.ENQUEUED : Tick.TAKEN_WITHOUT_RUN;
    }

    /**
     * Creates or updates a recurring job, if its definition is still the one read
     * ({@code recurring-upsert.lua}: KEYS recurring, recurring due; ARGV name, new definition,
     * definition read, first due time, keep the due time).
     *
     * @param queue the queue
     * @param name the recurring job
     * @param definition the new definition JSON
     * @param read the definition read, or '' when there was none
     * @param firstDueMs the first due time for a new schedule
     * @param keepDue keep the current due time when there is one (the schedule is unchanged)
     * @return the due time, or -1 when the definition changed since it was read (nothing written)
     */
    public long recurringUpsert(
            String queue, String name, String definition, String read, long firstDueMs, boolean keepDue) {
        Long due = scripts.call(
                Script.RECURRING_UPSERT,
                ScriptOutputType.INTEGER,
                new String[] {keys.recurring(queue), keys.recurringDue(queue)},
                name,
                definition,
                read,
                Long.toString(firstDueMs),
                keepDue ? "1" : "0");
        return due == null ? -1 : due;
    }

    /**
     * Deletes a recurring job's definition and due time ({@code recurring-delete.lua}: KEYS
     * recurring, recurring due; ARGV name).
     *
     * @return true when it existed
     */
    public boolean recurringDelete(String queue, String name) {
        Long n = scripts.call(
                Script.RECURRING_DELETE,
                ScriptOutputType.INTEGER,
                new String[] {keys.recurring(queue), keys.recurringDue(queue)},
                name);
        return n != null && n > 0;
    }

    /** What {@code recurring-trigger.lua} did. */
    public enum Trigger {
        /** The job was deleted or changed since it was read: nothing enqueued. */
        CHANGED,
        /** The run was enqueued. */
        ENQUEUED,
        /** A job with the run's id exists already: nothing written. */
        EXISTS
    }

    /**
     * Enqueues one run of a recurring job now, leaving its schedule alone
     * ({@code recurring-trigger.lua}: KEYS recurring, ready, job prefix, queued; ARGV name,
     * definition read, run id, payload).
     *
     * @param queue the queue
     * @param name the recurring job
     * @param definition the definition read
     * @param runId the run's id
     * @param payload the run's envelope JSON
     * @return what happened
     */
    public Trigger recurringTrigger(String queue, String name, String definition, String runId, String payload) {
        Long r = scripts.call(
                Script.RECURRING_TRIGGER,
                ScriptOutputType.INTEGER,
                new String[] {keys.recurring(queue), keys.ready(queue), keys.jobPrefix(queue), keys.queued(queue)},
                name,
                definition,
                runId,
                payload);
        if (r == null || r == 0) {
            return Trigger.CHANGED;
        }
        return r == 2 ? Trigger.EXISTS : Trigger.ENQUEUED;
    }

    // ---------------------------------------------------------------- client and operators

    /** How {@code cancel.lua} ended. */
    public enum CancelOutcome {
        /** Canceled now. */
        CANCELED,
        /** Running: the stop was requested from its worker. */
        STOPPING,
        /** Already over: nothing to do. */
        ENDED,
        /** No such job. */
        MISSING
    }

    /**
     * Cancels a job that has not started, or flags a running one to stop ({@code cancel.lua}:
     * KEYS ready, job prefix, scheduled, deferred, canceled, unique prefix, pending-dependencies
     * prefix, dependents prefix, queued; ARGV id, events channel, canceled TTL, canceled cap).
     *
     * @param queue the queue
     * @param id the job
     * @param canceledTtlSeconds how long a canceled job is kept
     * @param canceledMax the cap of the canceled registry
     * @return the outcome, the running job's worker, and the canceled job's dependents
     */
    public CancelReply cancel(String queue, String id, long canceledTtlSeconds, int canceledMax) {
        List<Object> r = scripts.call(
                Script.CANCEL,
                ScriptOutputType.MULTI,
                new String[] {
                    keys.ready(queue),
                    keys.jobPrefix(queue),
                    keys.scheduled(queue),
                    keys.deferred(queue),
                    keys.canceled(queue),
                    keys.uniquePrefix(queue),
                    keys.pendingDepsPrefix(queue),
                    keys.dependentsPrefix(queue),
                    keys.queued(queue)
                },
                id,
                keys.events(queue),
                Long.toString(canceledTtlSeconds),
                Integer.toString(canceledMax));
        return CancelReply.parse(r);
    }

    /**
     * What {@code cancel.lua} returned.
     *
     * @param outcome what happened
     * @param worker the worker running the job (STOPPING), else empty or null
     * @param dependents the jobs ("queue/id") waiting on the job this call canceled, for the release
     */
    public record CancelReply(CancelOutcome outcome, String worker, List<String> dependents) {
        @SuppressWarnings("unchecked")
        static CancelReply parse(List<Object> r) {
            CancelOutcome outcome = switch (String.valueOf(r.get(0))) {
                case "CANCELED" -> CancelOutcome.CANCELED;
                case "STOPPING" -> CancelOutcome.STOPPING;
                case "MISSING" -> CancelOutcome.MISSING;
                default -> CancelOutcome.ENDED;
            };
            Object worker = r.size() > 1 ? r.get(1) : null;
            List<Object> dependents = r.size() > 2 && r.get(2) instanceof List<?> l ? (List<Object>) l : List.of();
            return new CancelReply(outcome, worker instanceof String s ? s : null, texts(dependents));
        }
    }

    /**
     * Registers a dependent with jobs of one queue, or learns how they ended ({@code depend.lua}:
     * KEYS job prefix, dependents prefix, queued; ARGV the dependent as "queue/id", then the
     * dependencies' ids).
     *
     * @param queue the dependencies' queue
     * @param dependent the dependent as "queue/id"
     * @param ids the dependencies' ids in that queue
     * @return per dependency, WAITING (registered) or how it ended: FINISHED, FAILED, CANCELED, STOPPED, MISSING
     */
    public List<String> depend(String queue, String dependent, List<String> ids) {
        String[] args = new String[1 + ids.size()];
        args[0] = dependent;
        for (int i = 0; i < ids.size(); i++) {
            args[i + 1] = ids.get(i);
        }
        List<Object> r = scripts.call(
                Script.DEPEND,
                ScriptOutputType.MULTI,
                new String[] {keys.jobPrefix(queue), keys.dependentsPrefix(queue), keys.queued(queue)},
                args);
        return texts(r);
    }

    /**
     * One notice for {@link #release}: a dependency of a job ended.
     *
     * @param dependentId the dependent's id (in the queue released)
     * @param dependency the dependency as "queue/id"
     * @param outcome how it ended
     */
    public record Notice(String dependentId, String dependency, String outcome) {}

    /**
     * Tells dependents in one queue that dependencies ended: queues them, or cancels them by policy
     * ({@code release.lua}: KEYS ready, job prefix, deferred, canceled, pending-dependencies
     * prefix, dependents prefix; ARGV events channel, canceled TTL, canceled cap, then dependent
     * id, dependency, outcome per notice).
     *
     * @param queue the dependents' queue
     * @param canceledTtlSeconds how long a canceled job is kept
     * @param canceledMax the cap of the canceled registry
     * @param notices the notices
     * @return the jobs this call canceled that have dependents of their own, to tell in turn
     */
    public List<EndedJob> release(String queue, long canceledTtlSeconds, int canceledMax, List<Notice> notices) {
        String[] args = new String[3 + 3 * notices.size()];
        args[0] = keys.events(queue);
        args[1] = Long.toString(canceledTtlSeconds);
        args[2] = Integer.toString(canceledMax);
        int i = 3;
        for (Notice n : notices) {
            args[i++] = n.dependentId();
            args[i++] = n.dependency();
            args[i++] = n.outcome();
        }
        List<Object> canceled = scripts.call(
                Script.RELEASE,
                ScriptOutputType.MULTI,
                new String[] {
                    keys.ready(queue),
                    keys.jobPrefix(queue),
                    keys.deferred(queue),
                    keys.canceled(queue),
                    keys.pendingDepsPrefix(queue),
                    keys.dependentsPrefix(queue)
                },
                args);
        return EndedJob.parseAll(queue, canceled);
    }

    /**
     * Puts ended jobs (FAILED, CANCELED, STOPPED) back on the queue with a fresh attempt budget
     * ({@code retry-now.lua}: KEYS ready, job prefix, failed, canceled; ARGV the ids).
     *
     * @return how many were requeued (jobs gone or not ended are skipped)
     */
    public long retryNow(String queue, List<String> ids) {
        Long got = scripts.call(
                Script.RETRY_NOW,
                ScriptOutputType.INTEGER,
                new String[] {keys.ready(queue), keys.jobPrefix(queue), keys.failed(queue), keys.canceled(queue)},
                ids.toArray(String[]::new));
        return got == null ? 0 : got;
    }

    /**
     * Moves one scheduled job to the end of the ready list that fetch takes from
     * ({@code run-now.lua}: KEYS ready, job prefix, scheduled; ARGV id).
     *
     * @return true when it was moved, false when it was not scheduled (nothing changed)
     */
    public boolean runNow(String queue, String id) {
        Long moved = scripts.call(
                Script.RUN_NOW,
                ScriptOutputType.INTEGER,
                new String[] {keys.ready(queue), keys.jobPrefix(queue), keys.scheduled(queue)},
                id);
        return moved != null && moved == 1;
    }

    /**
     * @param queue a queue or partition
     * @return false when its master cannot be reached now (see {@link Redis#isUp}): a fetch sent
     *     there would wait for the cluster to replace it
     */
    public boolean reachable(String queue) {
        return redis.isUp(keys.ready(queue));
    }

    /** @return true when the queues live on a Redis Cluster, each on the master of its slot */
    public boolean onCluster() {
        return redis.endpoint().isCluster();
    }

    /**
     * Changes a queue's partitions ({@code partitions.lua}: KEYS partitions hash; ARGV the names
     * read, count, names, and the queue's limits).
     *
     * @param expected the names as read ("" when there was no table)
     * @return true when written, false when another caller changed the names first (nothing written)
     */
    public boolean partitions(String queue, String expected, int count, List<String> names, QueueLimits limits) {
        Long written = scripts.call(
                Script.PARTITIONS,
                ScriptOutputType.INTEGER,
                new String[] {keys.partitions(queue)},
                expected,
                Integer.toString(count),
                String.join(",", names),
                Integer.toString(limits.concurrency()),
                Integer.toString(limits.rate()),
                Long.toString(limits.period().toMillis()));
        return written != null && written == 1;
    }

    /**
     * Deletes jobs that are not running ({@code delete.lua}: KEYS ready, job prefix, scheduled,
     * deferred, finished, failed, canceled, queued; ARGV the ids).
     *
     * @return how many were deleted, and how many were left alone because they run
     */
    public DeleteReply delete(String queue, List<String> ids) {
        List<Object> r = scripts.call(
                Script.DELETE,
                ScriptOutputType.MULTI,
                new String[] {
                    keys.ready(queue),
                    keys.jobPrefix(queue),
                    keys.scheduled(queue),
                    keys.deferred(queue),
                    keys.finished(queue),
                    keys.failed(queue),
                    keys.canceled(queue),
                    keys.queued(queue)
                },
                ids.toArray(String[]::new));
        return new DeleteReply((Long) r.get(0), (Long) r.get(1));
    }

    /**
     * What {@code delete.lua} returned.
     *
     * @param deleted jobs deleted
     * @param running jobs left alone because they are running
     */
    public record DeleteReply(long deleted, long running) {}

    /**
     * Deletes a batch of queued jobs from the front of the queue ({@code empty.lua}: KEYS ready,
     * job prefix, queued; ARGV batch size); repeat until it returns 0.
     *
     * @return how many ids were removed from the ready list
     */
    public long empty(String queue, int batch) {
        Long got = scripts.call(
                Script.EMPTY,
                ScriptOutputType.INTEGER,
                new String[] {keys.ready(queue), keys.jobPrefix(queue), keys.queued(queue)},
                Integer.toString(batch));
        return got == null ? 0 : got;
    }
}
