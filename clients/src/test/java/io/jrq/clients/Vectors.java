package io.jrq.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.DependencyPolicy;
import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.RetryPolicy;
import io.jrq.Uniqueness;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The golden vectors of {@code protocol/vectors.json} for the cross-language tests: enqueue a
 * vector's input with the Java client, run its setup, and compare the records under a key prefix
 * with the vector's ({@code <REDIS_MS>}, {@code <REDIS_MS+N>} and {@code <ANY_MS>} placeholders
 * included). The same rules as jrq-core's ProtocolVectorsIT.
 */
final class Vectors {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("<REDIS_MS(?:\\+(\\d+))?>|<ANY_MS>");

    private Vectors() {}

    /** @return the repository's root: the first directory upwards holding protocol/vectors.json */
    static Path root() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("protocol/vectors.json"))) {
                return d;
            }
        }
        throw new IllegalStateException(
                "protocol/vectors.json not found above " + Path.of("").toAbsolutePath());
    }

    /** @return the vectors, in the file's order */
    static List<JsonNode> all() {
        try {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(root().resolve("protocol/vectors.json").toFile())
                    .get("vectors")
                    .forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the text with the vectors' key prefix {@code jrq} replaced */
    static String prefixed(String text, String prefix) {
        return text.startsWith("jrq:") ? prefix + text.substring(3) : text;
    }

    /** Runs the vector's setup calls (the state it starts from) under a key prefix. */
    static void setup(RedisCommands<String, String> r, JsonNode v, String prefix) {
        for (JsonNode call : v.path("setup")) {
            if (call.has("command")) {
                List<String> w = new ArrayList<>();
                call.get("command").forEach(c -> w.add(prefixed(c.asText(), prefix)));
                assertThat(w.get(0)).isEqualTo("SADD");
                r.sadd(w.get(1), w.subList(2, w.size()).toArray(String[]::new));
            } else {
                List<String> keys = new ArrayList<>();
                call.get("keys").forEach(k -> keys.add(prefixed(k.asText(), prefix)));
                List<String> argv = new ArrayList<>();
                call.get("argv").forEach(a -> argv.add(a.asText()));
                r.eval(
                        script(call.get("name").asText()),
                        ScriptOutputType.MULTI,
                        keys.toArray(String[]::new),
                        argv.toArray(String[]::new));
            }
        }
    }

    /** @return the ids of the jobs the Java client enqueued for the vector's input */
    static List<String> enqueue(Jrq jrq, JsonNode v) throws ClassNotFoundException {
        JsonNode enq = v.get("enqueue");
        Queue q = jrq.queue(enq.get("queue").asText())
                .with(options(enq.get("options")).build());
        String fn = enq.get("fn").asText();
        if (enq.has("bulk")) {
            List<List<?>> argLists = new ArrayList<>();
            enq.get("bulk").forEach(a -> argLists.add(elements(a)));
            return q.enqueueAll(fn, argLists).stream().map(Job::id).toList();
        }
        return List.of(q.enqueue(fn, elements(enq.get("args")).toArray()).id());
    }

    private static List<Object> elements(JsonNode array) {
        List<Object> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    /** The vector's options, as the Java client's builder takes them. */
    @SuppressWarnings("unchecked")
    static EnqueueOptions.Builder options(JsonNode o) throws ClassNotFoundException {
        EnqueueOptions.Builder b = EnqueueOptions.builder();
        for (Map.Entry<String, JsonNode> option : o.properties()) {
            JsonNode x = option.getValue();
            switch (option.getKey()) {
                case "id" -> b.jobId(x.asText());
                case "at_ms" -> b.at(Instant.ofEpochMilli(x.asLong()));
                case "delay_ms" -> b.delay(Duration.ofMillis(x.asLong()));
                case "timeout_ms" -> b.timeout(Duration.ofMillis(x.asLong()));
                case "at_front" -> b.atFront(x.asBoolean());
                case "description" -> b.description(x.asText());
                case "result_ttl_s" -> b.resultTtl(Duration.ofSeconds(x.asLong()));
                case "meta" ->
                    x.properties().forEach(e -> b.meta(e.getKey(), e.getValue().asText()));
                case "dep_policy" ->
                    b.onDependencyFailure("run".equals(x.asText()) ? DependencyPolicy.RUN : DependencyPolicy.CANCEL);
                case "depends_on" ->
                    x.forEach(ref -> {
                        String[] parts = ref.asText().split("/", 2);
                        b.dependsOn(parts[0], parts[1]);
                    });
                case "unique" -> {
                    String key = x.get("key").asText();
                    switch (x.path("scope").asText("Q")) {
                        case "A" -> b.unique(key, Uniqueness.WHILE_ACTIVE);
                        case "T" ->
                            b.uniqueFor(key, Duration.ofMillis(x.get("ttl_ms").asLong()));
                        default -> b.unique(key, Uniqueness.WHILE_QUEUED);
                    }
                }
                case "retry" -> {
                    RetryPolicy p = switch (x.path("backoff").asText("FIXED")) {
                        case "INTERVALS" -> {
                            List<Duration> ds = new ArrayList<>();
                            x.get("delays").forEach(d -> ds.add(Duration.ofMillis(d.asLong())));
                            yield RetryPolicy.intervals(ds.toArray(Duration[]::new));
                        }
                        case "EXPONENTIAL" ->
                            RetryPolicy.exponential(
                                    x.path("max").asInt(1),
                                    Duration.ofMillis(x.get("base").asLong()),
                                    Duration.ofMillis(x.get("cap").asLong()),
                                    x.path("jitter").asDouble(0));
                        default ->
                            RetryPolicy.fixed(
                                    x.path("max").asInt(1),
                                    Duration.ofMillis(x.path("delays").path(0).asLong(0)));
                    };
                    for (JsonNode n : x.path("never")) {
                        p = p.withoutRetryOn((Class<? extends Throwable>) Class.forName(n.asText()));
                    }
                    b.retry(p);
                }
                default -> throw new IllegalArgumentException("vector option not known here: " + option.getKey());
            }
        }
        return b;
    }

    /** The jar's assembled script. */
    static String script(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/io/jrq/lua/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no script " + name + " in jrq-core");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param r a connection
     * @param prefix the key prefix whose keys to read
     * @param rename generated ids to the vector's
     * @return every key of the prefix but the protocol key, spelled with prefix {@code jrq}, as the vectors spell records
     */
    static ObjectNode dump(RedisCommands<String, String> r, String prefix, Map<String, String> rename) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Map<String, ObjectNode> sorted = new TreeMap<>();
        for (String key : r.keys(prefix + ":*")) {
            if (key.equals(prefix + ":protocol")) {
                continue;
            }
            ObjectNode rec = f.objectNode();
            String type = r.type(key);
            rec.put("type", type);
            switch (type) {
                case "hash" -> {
                    ObjectNode h = f.objectNode();
                    Map<String, String> fields = new TreeMap<>();
                    r.hgetall(key).forEach((k, val) -> fields.put(renamed(k, rename), renamed(val, rename)));
                    fields.forEach(h::put);
                    rec.set("value", h);
                }
                case "list" -> {
                    ArrayNode l = f.arrayNode();
                    r.lrange(key, 0, -1).forEach(s -> l.add(renamed(s, rename)));
                    rec.set("value", l);
                }
                case "set" -> {
                    ArrayNode s = f.arrayNode();
                    TreeSet<String> members = new TreeSet<>();
                    r.smembers(key).forEach(m -> members.add(renamed(m, rename)));
                    members.forEach(s::add);
                    rec.set("value", s);
                }
                case "zset" -> {
                    List<ScoredValue<String>> entries = new ArrayList<>();
                    for (ScoredValue<String> sv : r.zrangeWithScores(key, 0, -1)) {
                        entries.add(ScoredValue.just(sv.getScore(), renamed(sv.getValue(), rename)));
                    }
                    entries.sort(Comparator.<ScoredValue<String>>comparingDouble(ScoredValue::getScore)
                            .thenComparing(ScoredValue::getValue));
                    ArrayNode z = f.arrayNode();
                    entries.forEach(sv -> z.add(f.arrayNode().add(sv.getValue()).add((long) sv.getScore())));
                    rec.set("value", z);
                }
                default -> rec.put("value", renamed(r.get(key), rename));
            }
            rec.put("pttl", r.pttl(key));
            sorted.put("jrq" + renamed(key, rename).substring(prefix.length()), rec);
        }
        ObjectNode out = f.objectNode();
        sorted.forEach(out::set);
        return out;
    }

    private static String renamed(String s, Map<String, String> rename) {
        String out = s;
        for (Map.Entry<String, String> e : rename.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    /** Compares records with a vector's {@code stored}, field by field. */
    static void assertStored(String what, JsonNode expected, JsonNode actual) {
        new Comparison(what).stored(expected, actual);
    }

    /** One comparison: every {@code <REDIS_MS>} in it (less its offset) is one time. */
    private static final class Comparison {
        private final String what;
        private Long t0;

        Comparison(String what) {
            this.what = what;
        }

        void stored(JsonNode expected, JsonNode actual) {
            assertThat(names(actual)).as(what + ": keys").containsExactlyElementsOf(names(expected));
            for (String key : names(expected)) {
                JsonNode e = expected.get(key);
                JsonNode a = actual.get(key);
                assertThat(a.get("type").asText())
                        .as(what + ": " + key + " type")
                        .isEqualTo(e.get("type").asText());
                match(key, e.get("value"), a.get("value"));
                long pttl = a.get("pttl").asLong();
                if (e.has("ttl_ms")) {
                    assertThat(pttl)
                            .as(what + ": " + key + " PTTL")
                            .isPositive()
                            .isLessThanOrEqualTo(e.get("ttl_ms").asLong());
                } else {
                    assertThat(pttl).as(what + ": " + key + " has no TTL").isEqualTo(-1);
                }
            }
        }

        private void match(String where, JsonNode e, JsonNode a) {
            String at = what + ": " + where;
            if (e.isTextual() && PLACEHOLDER.matcher(e.asText()).find()) {
                placeholders(at, e.asText(), a.isNumber() ? Long.toString(a.asLong()) : a.asText());
            } else if (e.isObject()) {
                assertThat(a.isObject()).as(at).isTrue();
                assertThat(names(a)).as(at + " fields").containsExactlyElementsOf(names(e));
                for (String n : names(e)) {
                    match(where + "." + n, e.get(n), a.get(n));
                }
            } else if (e.isArray()) {
                assertThat(a.isArray()).as(at).isTrue();
                assertThat(a.size()).as(at + " size").isEqualTo(e.size());
                for (int i = 0; i < e.size(); i++) {
                    match(where + "[" + i + "]", e.get(i), a.get(i));
                }
            } else if (e.isNumber()) {
                assertThat(a.asLong()).as(at).isEqualTo(e.asLong());
            } else {
                assertThat(a).as(at).isEqualTo(e);
            }
        }

        private void placeholders(String at, String expected, String actual) {
            StringBuilder regex = new StringBuilder();
            List<Long> offsets = new ArrayList<>();
            Matcher m = PLACEHOLDER.matcher(expected);
            int last = 0;
            while (m.find()) {
                regex.append(Pattern.quote(expected.substring(last, m.start()))).append("(\\d{13})");
                offsets.add(
                        m.group(0).equals("<ANY_MS>") ? null : m.group(1) == null ? 0L : Long.parseLong(m.group(1)));
                last = m.end();
            }
            regex.append(Pattern.quote(expected.substring(last)));
            Matcher got = Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(actual);
            assertThat(got.matches())
                    .as(at + ": " + actual + " matches " + expected)
                    .isTrue();
            for (int i = 0; i < offsets.size(); i++) {
                long value = Long.parseLong(got.group(i + 1));
                Long offset = offsets.get(i);
                if (offset == null) {
                    assertThat(Math.abs(value - System.currentTimeMillis()))
                            .as(at)
                            .isLessThan(600_000L);
                } else if (t0 == null) {
                    t0 = value - offset;
                } else {
                    assertThat(value - offset)
                            .as(at + ": <REDIS_MS> is one time")
                            .isEqualTo(t0);
                }
            }
        }

        private static List<String> names(JsonNode o) {
            List<String> n = new ArrayList<>();
            o.fieldNames().forEachRemaining(n::add);
            return n;
        }
    }
}
