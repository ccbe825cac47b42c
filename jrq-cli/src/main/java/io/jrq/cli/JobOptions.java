package io.jrq.cli;

import io.jrq.DependencyPolicy;
import io.jrq.EnqueueOptions;
import io.jrq.JobNames;
import io.jrq.RetryPolicy;
import io.jrq.Uniqueness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every choice a producer makes for a job, as {@code jrq enqueue} reads it from its options or from
 * a line of {@code --file}: id, due time or delay, retry policy, timeout, unique key, dependencies,
 * metadata, description, front of the queue, result TTL. Each value is checked when it is set, with
 * the command line's wording (durations as {@code 1s}, not {@code PT1S}), so that the caller can name
 * the option or field it came from; {@link #toOptions()} maps them onto the core's
 * {@link EnqueueOptions} builder. A line starts from a {@link #copy()} of the options given on the
 * command line and replaces the values it names.
 */
final class JobOptions {
    private String id;
    private Instant at;
    private Duration delay;
    private RetryPolicy retry;
    private Duration timeout;
    private String uniqueKey;
    private Uniqueness uniqueScope;
    private Duration uniqueTtl;
    private final List<String[]> dependsOn = new ArrayList<>();
    private DependencyPolicy onDependencyFailure;
    private final Map<String, String> meta = new LinkedHashMap<>();
    private String description;
    private boolean atFront;
    private Duration resultTtl;

    /** @return a copy that can be changed without changing this one */
    JobOptions copy() {
        JobOptions c = new JobOptions();
        c.id = id;
        c.at = at;
        c.delay = delay;
        c.retry = retry;
        c.timeout = timeout;
        c.uniqueKey = uniqueKey;
        c.uniqueScope = uniqueScope;
        c.uniqueTtl = uniqueTtl;
        c.dependsOn.addAll(dependsOn);
        c.onDependencyFailure = onDependencyFailure;
        c.meta.putAll(meta);
        c.description = description;
        c.atFront = atFront;
        c.resultTtl = resultTtl;
        return c;
    }

    /** @return true when the options name one job (an id or a unique key), so that jobs cannot share them */
    boolean namesOneJob() {
        return id != null || uniqueKey != null;
    }

    /** @param id the job's id, checked by the core's rule @return this */
    JobOptions id(String id) {
        // The core's own check, so that the rule is worded once.
        EnqueueOptions.builder().jobId(id);
        this.id = id;
        return this;
    }

    /**
     * @param at when the job is due, or null
     * @param delay how long after enqueue it is due, or null; not both
     * @return this
     */
    JobOptions schedule(Instant at, Duration delay) {
        this.at = at;
        this.delay = delay;
        return this;
    }

    /** @param retry the retry policy, or null for the worker's default @return this */
    JobOptions retry(RetryPolicy retry) {
        this.retry = retry;
        return this;
    }

    /** @param timeout how long one attempt may run, at least 1 ms, or null for the worker's @return this */
    JobOptions timeout(Duration timeout) {
        if (timeout != null && timeout.toMillis() < 1) {
            throw new IllegalArgumentException("must be at least 1ms, got: " + Durations.format(timeout));
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * @param key the unique key, 1-200 characters, or null for none
     * @param scope {@code queued}, {@code active} or {@code ttl}, or null for {@code ttl} when a
     *     {@code ttl} is given and {@code active} otherwise
     * @param ttl how long the key holds from enqueue (scope {@code ttl}), or null
     * @return this
     */
    JobOptions unique(String key, String scope, Duration ttl) {
        if (key == null) {
            uniqueKey = null;
            uniqueScope = null;
            uniqueTtl = null;
            return this;
        }
        if (key.isEmpty() || key.length() > 200) {
            throw new IllegalArgumentException("the key must be 1-200 characters, got " + key.length());
        }
        Uniqueness s = scope == null ? (ttl == null ? Uniqueness.WHILE_ACTIVE : null) : scope(scope);
        if (s == null && ttl == null) {
            throw new IllegalArgumentException("scope ttl needs a ttl, such as 1h");
        }
        if (s != null && ttl != null) {
            throw new IllegalArgumentException("a ttl goes with scope ttl, not " + scope);
        }
        if (ttl != null && ttl.toMillis() < 1) {
            throw new IllegalArgumentException("the ttl must be at least 1ms, got: " + Durations.format(ttl));
        }
        uniqueKey = key;
        uniqueScope = s;
        uniqueTtl = ttl;
        return this;
    }

    /**
     * @param refs the jobs this one waits for, each {@code QUEUE/ID}, or {@code ID} alone for a job of {@code queue}
     * @param queue the job's own queue
     * @return this, waiting for exactly those jobs
     */
    JobOptions dependsOn(List<String> refs, String queue) {
        List<String[]> parsed = new ArrayList<>(refs.size());
        for (String ref : refs) {
            parsed.add(ref(ref, queue));
        }
        dependsOn.clear();
        dependsOn.addAll(parsed);
        return this;
    }

    /**
     * @param ref {@code QUEUE/ID} or {@code ID}; a queue name has no {@code /}, so the first one ends it
     * @param queue the queue of a bare id
     * @return the queue and the id
     */
    static String[] ref(String ref, String queue) {
        int slash = ref.indexOf('/');
        String q = slash < 0 ? queue : ref.substring(0, slash);
        String id = slash < 0 ? ref : ref.substring(slash + 1);
        if (!JobNames.isQueueName(q)) {
            throw new IllegalArgumentException(
                    "'" + ref + "' is not QUEUE/ID: queue names are 1-100 characters of" + " A-Z a-z 0-9 _ . -");
        }
        try {
            EnqueueOptions.builder().jobId(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + ref + "' is not QUEUE/ID: the " + e.getMessage(), e);
        }
        return new String[] {q, id};
    }

    /** @param policy what happens when a dependency does not finish, or null for the default (cancel) @return this */
    JobOptions onDependencyFailure(DependencyPolicy policy) {
        this.onDependencyFailure = policy;
        return this;
    }

    /**
     * @param entries the metadata, replacing any earlier
     * @return this
     */
    JobOptions meta(Map<String, String> entries) {
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (e.getKey().isEmpty()) {
                throw new IllegalArgumentException("a key must not be empty");
            }
        }
        meta.clear();
        meta.putAll(entries);
        return this;
    }

    /** @param description at most 1,000 characters, or null @return this */
    JobOptions description(String description) {
        if (description != null && description.length() > 1000) {
            throw new IllegalArgumentException("must be at most 1000 characters, got " + description.length());
        }
        this.description = description;
        return this;
    }

    /** @param atFront true to run the job before those already waiting @return this */
    JobOptions atFront(boolean atFront) {
        this.atFront = atFront;
        return this;
    }

    /** @param ttl how long a FINISHED job and its result are kept, at least 1s, or null for the client's @return this */
    JobOptions resultTtl(Duration ttl) {
        if (ttl != null && ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("must be at least 1s, got: " + Durations.format(ttl));
        }
        this.resultTtl = ttl;
        return this;
    }

    /** @return the metadata so far, in the order given */
    Map<String, String> meta() {
        return meta;
    }

    /** @return the options for the core's Queue API */
    EnqueueOptions toOptions() {
        EnqueueOptions.Builder b = EnqueueOptions.builder();
        if (id != null) {
            b.jobId(id);
        }
        if (at != null) {
            b.at(at);
        }
        if (delay != null) {
            b.delay(delay);
        }
        if (retry != null) {
            b.retry(retry);
        }
        if (timeout != null) {
            b.timeout(timeout);
        }
        if (uniqueKey != null) {
            if (uniqueTtl != null) {
                b.uniqueFor(uniqueKey, uniqueTtl);
            } else {
                b.unique(uniqueKey, uniqueScope);
            }
        }
        for (String[] ref : dependsOn) {
            b.dependsOn(ref[0], ref[1]);
        }
        if (onDependencyFailure != null) {
            b.onDependencyFailure(onDependencyFailure);
        }
        meta.forEach(b::meta);
        if (description != null) {
            b.description(description);
        }
        b.atFront(atFront);
        if (resultTtl != null) {
            b.resultTtl(resultTtl);
        }
        return b.build();
    }

    /**
     * @param text {@code queued}, {@code active} or {@code ttl} (any case)
     * @return the scope, or null for {@code ttl}
     */
    static Uniqueness scope(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "queued" -> Uniqueness.WHILE_QUEUED;
            case "active" -> Uniqueness.WHILE_ACTIVE;
            case "ttl" -> null;
            default ->
                throw new IllegalArgumentException("the scope must be queued, active or ttl, got: '" + text + "'");
        };
    }

    /** @param text {@code cancel} or {@code run} (any case) @return the policy */
    static DependencyPolicy policy(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "cancel" -> DependencyPolicy.CANCEL;
            case "run" -> DependencyPolicy.RUN;
            default -> throw new IllegalArgumentException("must be cancel or run, got: '" + text + "'");
        };
    }

    /**
     * @param retries 0 to 999
     * @param delay the fixed wait before each retry, or null for the default exponential backoff
     * @return the policy of {@code --retry N [--retry-delay D]}, or null for 0 (the worker's default)
     */
    static RetryPolicy retries(long retries, Duration delay) {
        if (retries < 0 || retries > 999) {
            throw new IllegalArgumentException("the number of retries must be between 0 and 999, got: " + retries);
        }
        return retries == 0 ? null : JobSettings.retryPolicy((int) retries, delay);
    }
}
