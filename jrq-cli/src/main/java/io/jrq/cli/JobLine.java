package io.jrq.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.jrq.Call;
import io.jrq.EnqueueOptions;
import io.jrq.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine.TypeConversionException;

/**
 * One line of a {@code jrq enqueue --file}: a JSON object with the job's function, arguments and
 * queue, and any of the options {@code jrq enqueue} has for one job (docs/CLI.md lists the fields).
 * A line is read whole before anything of it is stored: a bad value throws, naming the field, and
 * the line is skipped.
 */
final class JobLine {
    /** Every field a line may have, in the order the messages list them. */
    static final List<String> FIELDS = List.of(
            "fn",
            "args",
            "queue",
            "id",
            "at",
            "in",
            "retry",
            "timeout",
            "unique",
            "depends_on",
            "on_dependency_failure",
            "meta",
            "description",
            "at_front",
            "result_ttl");

    private static final Set<String> KNOWN = Set.copyOf(FIELDS);
    private static final List<String> RETRY_FIELDS = List.of("retries", "delay", "delays", "base", "cap", "jitter");
    private static final List<String> UNIQUE_FIELDS = List.of("key", "scope", "ttl");
    private static final Times TIMES = new Times();

    /**
     * A good line.
     *
     * @param queue the job's queue
     * @param call what to run
     * @param options the job's options: the command line's, with the line's own values in their place
     * @param key empty for a line without options of its own; otherwise the same text for lines with the same
     *     options, so that they can be enqueued together
     * @param single true when the options name one job (an id or a unique key): it is enqueued on its own
     */
    record Parsed(String queue, Call call, EnqueueOptions options, String key, boolean single) {}

    private JobLine() {}

    /**
     * @param text the line, not blank
     * @param defaultQueue the queue of a line without {@code "queue"}
     * @param base the options given on the command line
     * @param baseOptions {@code base.toOptions()}, for the lines without options of their own
     * @return the job the line stands for
     * @throws IllegalArgumentException saying what is wrong, and where
     */
    static Parsed parse(String text, String defaultQueue, JobOptions base, EnqueueOptions baseOptions) {
        JsonNode node;
        try {
            node = JsonArgs.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON " + JsonArgs.describe(e));
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object {\"fn\":..., \"args\":[...], \"queue\":...}");
        }
        boolean ownOptions = false;
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown field \"" + name + "\" (known: " + String.join(", ", FIELDS) + ")");
            }
            ownOptions |= !name.equals("fn") && !name.equals("args") && !name.equals("queue");
        }
        JsonNode fnNode = node.get("fn");
        if (fnNode == null || !fnNode.isTextual()) {
            throw new IllegalArgumentException("\"fn\" must be a string: com.example.Jobs::method or a handler name");
        }
        String fn = fnNode.asText();
        String problem = Functions.problem(fn);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        JsonNode argsNode = node.get("args");
        ArrayNode args;
        if (absent(argsNode)) {
            args = JsonArgs.MAPPER.createArrayNode();
        } else if (argsNode.isArray()) {
            args = (ArrayNode) argsNode;
        } else {
            throw new IllegalArgumentException("\"args\" must be an array");
        }
        JsonNode queueNode = node.get("queue");
        String queue = defaultQueue;
        if (!absent(queueNode)) {
            if (!queueNode.isTextual()) {
                throw new IllegalArgumentException("\"queue\" must be a string");
            }
            queue = QueueNames.check(queueNode.asText());
        }
        List<Object> values = new ArrayList<>(args.size());
        args.forEach(values::add);
        Call call = new Call(fn, values);
        if (!ownOptions) {
            return new Parsed(queue, call, baseOptions, "", false);
        }
        JobOptions o = base.copy();
        StringBuilder key = new StringBuilder();
        applyOptions(node, queue, o, key);
        EnqueueOptions options;
        try {
            options = o.toOptions();
        } catch (IllegalArgumentException e) {
            // Every value was checked above; this is the core's word on their combination.
            throw new IllegalArgumentException("the options are refused: " + e.getMessage(), e);
        }
        return new Parsed(queue, call, options, key.toString(), o.namesOneJob());
    }

    /** Sets the line's own options on {@code o} (a copy of the command line's), and notes them in {@code key}. */
    private static void applyOptions(JsonNode node, String queue, JobOptions o, StringBuilder key) {
        for (String field : FIELDS.subList(3, FIELDS.size())) {
            JsonNode v = node.get(field);
            if (!absent(v)) {
                key.append(field).append('=').append(v).append(';');
            }
        }
        JsonNode id = node.get("id");
        if (!absent(id)) {
            set("id", () -> o.id(text(id, "a job id")));
        }
        JsonNode at = node.get("at");
        JsonNode in = node.get("in");
        if (!absent(at) && !absent(in)) {
            throw new IllegalArgumentException("\"at\" and \"in\": give one, not both");
        }
        if (!absent(at)) {
            Instant when = get("at", () -> TIMES.convert(text(at, "an ISO-8601 time such as 2030-01-31T09:00:00Z")));
            o.schedule(when, null);
        }
        if (!absent(in)) {
            o.schedule(null, duration(in, "in"));
        }
        JsonNode retry = node.get("retry");
        if (!absent(retry)) {
            o.retry(retry(retry));
        }
        JsonNode timeout = node.get("timeout");
        if (!absent(timeout)) {
            Duration d = duration(timeout, "timeout");
            set("timeout", () -> o.timeout(d));
        }
        JsonNode unique = node.get("unique");
        if (!absent(unique)) {
            unique(unique, o);
        }
        JsonNode deps = node.get("depends_on");
        if (!absent(deps)) {
            List<String> refs = new ArrayList<>();
            if (deps.isTextual()) {
                refs.add(deps.asText());
            } else if (deps.isArray()) {
                for (JsonNode ref : deps) {
                    if (!ref.isTextual()) {
                        throw field("depends_on", "must be a string \"QUEUE/ID\" or an array of them, got: " + ref);
                    }
                    refs.add(ref.asText());
                }
            } else {
                throw field("depends_on", "must be a string \"QUEUE/ID\" or an array of them, got: " + deps);
            }
            set("depends_on", () -> o.dependsOn(refs, queue));
        }
        JsonNode policy = node.get("on_dependency_failure");
        if (!absent(policy)) {
            set("on_dependency_failure", () -> o.onDependencyFailure(JobOptions.policy(text(policy, "cancel or run"))));
        }
        JsonNode meta = node.get("meta");
        if (!absent(meta)) {
            if (!meta.isObject()) {
                throw field("meta", "must be an object of strings, such as {\"tenant\":\"acme\"}, got: " + meta);
            }
            // The line's keys are added to --meta's; a key in both takes the line's value.
            Map<String, String> entries = new LinkedHashMap<>(o.meta());
            for (Map.Entry<String, JsonNode> e : meta.properties()) {
                if (!e.getValue().isTextual()) {
                    throw field("meta", "the value of \"" + e.getKey() + "\" must be a string, got: " + e.getValue());
                }
                entries.put(e.getKey(), e.getValue().asText());
            }
            set("meta", () -> o.meta(entries));
        }
        JsonNode description = node.get("description");
        if (!absent(description)) {
            set("description", () -> o.description(text(description, "a string")));
        }
        JsonNode front = node.get("at_front");
        if (!absent(front)) {
            if (!front.isBoolean()) {
                throw field("at_front", "must be true or false, got: " + front);
            }
            o.atFront(front.asBoolean());
        }
        JsonNode resultTtl = node.get("result_ttl");
        if (!absent(resultTtl)) {
            Duration d = duration(resultTtl, "result_ttl");
            set("result_ttl", () -> o.resultTtl(d));
        }
    }

    /**
     * {@code "retry": N} is {@code --retry N}: N retries (0 to 999; 0 leaves the worker's default)
     * with exponential backoff. The object form: {@code {"retries":N,"delay":"10s"}} (fixed wait, as
     * {@code --retry-delay}), {@code {"retries":N,"base":"1s","cap":"5m","jitter":0.2}} (exponential,
     * each part optional) or {@code {"delays":["10s","1m","10m"]}} (one retry per wait).
     */
    static RetryPolicy retry(JsonNode v) {
        if (v.isIntegralNumber()) {
            return get("retry", () -> JobOptions.retries(v.canConvertToLong() ? v.asLong() : -1, null));
        }
        if (!v.isObject()) {
            throw field(
                    "retry",
                    "must be a number of retries (0 to 999) or an object such as {\"retries\":3,\"delay\":\"10s\"},"
                            + " got: " + v);
        }
        for (Iterator<String> names = v.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!RETRY_FIELDS.contains(name)) {
                throw field("retry", "unknown field \"" + name + "\" (known: " + String.join(", ", RETRY_FIELDS) + ")");
            }
        }
        JsonNode delays = v.get("delays");
        if (!absent(delays)) {
            if (v.size() > 1) {
                throw field("retry", "\"delays\" goes alone: there is one retry per delay");
            }
            if (!delays.isArray() || delays.isEmpty() || delays.size() > 999) {
                throw field("retry.delays", "must be an array of 1 to 999 durations, such as [\"10s\",\"1m\"]");
            }
            Duration[] waits = new Duration[delays.size()];
            for (int i = 0; i < waits.length; i++) {
                waits[i] = duration(delays.get(i), "retry.delays");
            }
            return RetryPolicy.intervals(waits);
        }
        JsonNode retries = v.get("retries");
        if (absent(retries) || !retries.isIntegralNumber()) {
            throw field("retry.retries", "must be a number of retries (0 to 999), got: " + retries);
        }
        long n = retries.canConvertToLong() ? retries.asLong() : -1;
        JsonNode delay = v.get("delay");
        JsonNode base = v.get("base");
        JsonNode cap = v.get("cap");
        JsonNode jitter = v.get("jitter");
        boolean exponential = !absent(base) || !absent(cap) || !absent(jitter);
        if (!absent(delay)) {
            if (exponential) {
                throw field("retry", "\"delay\" (a fixed wait) does not go with \"base\", \"cap\" or \"jitter\"");
            }
            Duration d = duration(delay, "retry.delay");
            return get("retry.retries", () -> JobOptions.retries(n, d));
        }
        RetryPolicy none = get("retry.retries", () -> JobOptions.retries(n, null));
        if (!exponential || none == null) {
            return none;
        }
        Duration b = absent(base) ? JobSettings.BACKOFF_BASE : duration(base, "retry.base");
        Duration c = absent(cap) ? JobSettings.BACKOFF_CAP : duration(cap, "retry.cap");
        if (b.toMillis() < 1) {
            throw field("retry.base", "must be at least 1ms, got: " + Durations.format(b));
        }
        if (c.compareTo(b) < 0) {
            throw field(
                    "retry.cap",
                    "must be at least the base (" + Durations.format(b) + "), got: " + Durations.format(c));
        }
        double j = JobSettings.BACKOFF_JITTER;
        if (!absent(jitter)) {
            if (!jitter.isNumber() || !(jitter.asDouble() >= 0 && jitter.asDouble() <= 1)) {
                throw field("retry.jitter", "must be a number from 0 to 1, got: " + jitter);
            }
            j = jitter.asDouble();
        }
        return RetryPolicy.exponential((int) n + 1, b, c, j);
    }

    /** {@code "unique": "KEY"} (scope active) or {@code {"key":..., "scope":"queued|active|ttl", "ttl":"1h"}}. */
    private static void unique(JsonNode v, JobOptions o) {
        if (v.isTextual()) {
            set("unique", () -> o.unique(v.asText(), null, null));
            return;
        }
        if (!v.isObject()) {
            throw field(
                    "unique",
                    "must be a key or an object such as {\"key\":\"report-7\",\"scope\":\"queued\"}, got: " + v);
        }
        for (Iterator<String> names = v.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!UNIQUE_FIELDS.contains(name)) {
                throw field(
                        "unique", "unknown field \"" + name + "\" (known: " + String.join(", ", UNIQUE_FIELDS) + ")");
            }
        }
        JsonNode key = v.get("key");
        if (absent(key) || !key.isTextual()) {
            throw field("unique.key", "must be a string, got: " + key);
        }
        JsonNode scope = v.get("scope");
        String s = absent(scope) ? null : get("unique.scope", () -> text(scope, "queued, active or ttl"));
        JsonNode ttl = v.get("ttl");
        Duration t = absent(ttl) ? null : duration(ttl, "unique.ttl");
        set("unique", () -> o.unique(key.asText(), s, t));
    }

    private static boolean absent(JsonNode v) {
        return v == null || v.isNull();
    }

    private static String text(JsonNode v, String what) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException("must be a string (" + what + "), got: " + v);
        }
        return v.asText();
    }

    private static Duration duration(JsonNode v, String field) {
        if (!v.isTextual()) {
            throw field(field, "must be a duration in a string, such as \"30s\", got: " + v);
        }
        return get(field, () -> Durations.parse(v.asText()));
    }

    private static void set(String field, Runnable setter) {
        get(field, () -> {
            setter.run();
            return null;
        });
    }

    private static <T> T get(String field, Supplier<T> value) {
        try {
            return value.get();
        } catch (IllegalArgumentException | TypeConversionException e) {
            throw field(field, e.getMessage());
        }
    }

    private static IllegalArgumentException field(String field, String message) {
        return new IllegalArgumentException("\"" + field + "\": " + message);
    }
}
