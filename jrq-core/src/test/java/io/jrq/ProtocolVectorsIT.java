package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds the golden vectors of {@code protocol/vectors.json} to the Java client, the reference
 * implementation: for each vector, (a) the Java client enqueues its input and sends exactly the
 * vector's commands and script calls (read with {@code MONITOR}) and leaves exactly its records, and
 * (b) the vector's own calls, sent as they stand to an empty Redis, leave the same records. So a
 * client in another language that sends what a vector says stores what the Java client stores.
 */
class ProtocolVectorsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("<REDIS_MS(?:\\+(\\d+))?>|<ANY_MS>");

    private static RedisServer redis;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    private static JsonNode doc;

    @BeforeAll
    static void start() throws IOException {
        doc = JSON.readTree(vectorsFile().toFile());
        redis = RedisServer.start();
        client = RedisClient.create(redis.url());
        connection = client.connect();
    }

    @AfterAll
    static void stop() {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** @return protocol/vectors.json: from the system property jrq.protocol.dir, else looked up from the working directory */
    static Path vectorsFile() {
        String dir = System.getProperty("jrq.protocol.dir");
        if (dir != null && Files.isRegularFile(Path.of(dir, "vectors.json"))) {
            return Path.of(dir, "vectors.json");
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("protocol/vectors.json"))) {
                return d.resolve("protocol/vectors.json");
            }
        }
        throw new IllegalStateException("protocol/vectors.json not found (set -Djrq.protocol.dir)");
    }

    static Stream<Arguments> vectors() throws IOException {
        JsonNode all = JSON.readTree(vectorsFile().toFile());
        List<Arguments> out = new ArrayList<>();
        all.get("vectors").forEach(v -> out.add(Arguments.of(v.get("name").asText(), v)));
        return out.stream();
    }

    @Test
    void theFileCoversTheProtocolsCases() {
        assertThat(doc.get("protocol").asInt()).isEqualTo(1);
        assertThat(doc.get("prefix").asText()).isEqualTo("jrq");
        List<String> names = new ArrayList<>();
        doc.get("vectors").forEach(v -> names.add(v.get("name").asText()));
        assertThat(names)
                .contains(
                        "plain handler job",
                        "method job",
                        "delay",
                        "at",
                        "at front",
                        "retry fixed",
                        "retry exponential",
                        "timeout",
                        "unique Q",
                        "unique A",
                        "unique T",
                        "dependencies",
                        "dependencies run policy",
                        "meta and description",
                        "result ttl",
                        "bulk",
                        "non-ASCII and escaped strings")
                .doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void thePayloadIsTheTextTheScriptCallSends(String name, JsonNode v) throws IOException {
        List<String> texts = payloadTexts(v);
        JsonNode expected = v.get("payload");
        List<JsonNode> payloads = new ArrayList<>();
        if (expected.isArray()) {
            expected.forEach(payloads::add);
        } else {
            payloads.add(expected);
        }
        assertThat(texts).hasSameSizeAs(payloads);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(JSON.readTree(texts.get(i))).as("payload %d", i).isEqualTo(payloads.get(i));
            assertThat(payloads.get(i).get("v").asInt()).isEqualTo(1);
        }
    }

    /** The payload texts of the vector's enqueue.lua call, in the order of its ids. */
    private static List<String> payloadTexts(JsonNode v) {
        JsonNode argv = v.get("script").get("argv");
        List<String> texts = new ArrayList<>();
        for (int i = 8; i < argv.size(); i += 3) {
            texts.add(argv.get(i).asText());
        }
        if ("1".equals(argv.get(0).asText())) {
            java.util.Collections.reverse(texts);
        }
        return texts;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theJavaClientSendsAndStoresWhatTheVectorSays(String name, JsonNode v) throws Exception {
        RedisCommands<String, String> r = connection.sync();
        r.flushall();
        for (JsonNode call : v.path("setup")) {
            send(r, call);
        }
        JsonNode enq = v.get("enqueue");
        List<String> ids;
        List<List<String>> sent;
        try (Jrq jrq = Jrq.connect(redis.url());
                Monitor monitor = new Monitor(redis.port())) {
            Queue q = jrq.queue(enq.get("queue").asText())
                    .with(options(enq.get("options")).build());
            String fn = enq.get("fn").asText();
            if (enq.has("bulk")) {
                List<List<?>> argLists = new ArrayList<>();
                enq.get("bulk").forEach(a -> argLists.add(elements(a)));
                ids = q.enqueueAll(fn, argLists).stream().map(Job::id).toList();
            } else {
                ids = List.of(q.enqueue(fn, elements(enq.get("args")).toArray()).id());
            }
            sent = monitor.commandsUntilMarker(redis);
        }
        Map<String, String> rename = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            rename.put(ids.get(i), v.get("ids").get(i).asText());
        }

        List<List<String>> expected = new ArrayList<>();
        v.path("before").forEach(c -> expected.add(wire(c)));
        expected.add(wire(v.get("script")));
        v.path("after").forEach(c -> expected.add(wire(c)));
        List<List<String>> got = new ArrayList<>();
        for (List<String> c : sent) {
            got.add(c.stream().map(s -> renamed(s, rename)).toList());
        }
        assertThat(got).as("what the Java client sent").containsExactlyElementsOf(expected);

        assertStored(v.get("stored"), dump(r, rename));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theVectorsCallsStoreTheSameRecords(String name, JsonNode v) {
        RedisCommands<String, String> r = connection.sync();
        r.flushall();
        for (JsonNode call : v.path("setup")) {
            send(r, call);
        }
        for (JsonNode call : v.path("before")) {
            send(r, call);
        }
        List<?> reply = (List<?>) send(r, v.get("script"));
        List<?> replied = (List<?>) reply.get(1);
        List<String> ids = new ArrayList<>();
        replied.forEach(o -> ids.add((String) o));
        if ("1".equals(v.get("script").get("argv").get(0).asText())) {
            java.util.Collections.reverse(ids);
        }
        List<String> expectedIds = new ArrayList<>();
        v.get("ids").forEach(i -> expectedIds.add(i.asText()));
        assertThat(ids).isEqualTo(expectedIds);
        for (JsonNode call : v.path("after")) {
            send(r, call);
        }
        JsonNode stored = dump(r, Map.of());
        long t0 = (Long) reply.get(0);
        assertStored(v.get("stored"), stored);
        assertThat(matchedT0).as("<REDIS_MS> is the enqueue.lua reply's time").isIn(null, t0);
    }

    // ------------------------------------------------------------------------------------------

    /** The value <REDIS_MS> stood for in the last comparison, or null when it did not occur. */
    private Long matchedT0;

    private void assertStored(JsonNode expected, JsonNode actual) {
        matchedT0 = null;
        assertThat(fieldNames(actual)).as("keys").containsExactlyElementsOf(fieldNames(expected));
        for (String key : fieldNames(expected)) {
            JsonNode e = expected.get(key);
            JsonNode a = actual.get(key);
            assertThat(a.get("type").asText())
                    .as(key + " type")
                    .isEqualTo(e.get("type").asText());
            match(key, e.get("value"), a.get("value"));
            long pttl = a.get("pttl").asLong();
            if (e.has("ttl_ms")) {
                assertThat(pttl)
                        .as(key + " PTTL")
                        .isPositive()
                        .isLessThanOrEqualTo(e.get("ttl_ms").asLong());
            } else {
                assertThat(pttl).as(key + " has no TTL").isEqualTo(-1);
            }
        }
    }

    private void match(String where, JsonNode e, JsonNode a) {
        if (e.isTextual() && PLACEHOLDER.matcher(e.asText()).find()) {
            String text = a.isNumber() ? Long.toString(a.asLong()) : a.asText();
            matchPlaceholders(where, e.asText(), text);
        } else if (e.isObject()) {
            assertThat(a.isObject()).as(where).isTrue();
            assertThat(fieldNames(a)).as(where + " fields").containsExactlyElementsOf(fieldNames(e));
            for (String f : fieldNames(e)) {
                match(where + "." + f, e.get(f), a.get(f));
            }
        } else if (e.isArray()) {
            assertThat(a.isArray()).as(where).isTrue();
            assertThat(a.size()).as(where + " size").isEqualTo(e.size());
            for (int i = 0; i < e.size(); i++) {
                match(where + "[" + i + "]", e.get(i), a.get(i));
            }
        } else if (e.isNumber()) {
            assertThat(a.asLong()).as(where).isEqualTo(e.asLong());
        } else {
            assertThat(a).as(where).isEqualTo(e);
        }
    }

    private void matchPlaceholders(String where, String expected, String actual) {
        StringBuilder regex = new StringBuilder();
        List<Long> offsets = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(expected);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(expected.substring(last, m.start()))).append("(\\d{13})");
            offsets.add(m.group(0).equals("<ANY_MS>") ? null : m.group(1) == null ? 0L : Long.parseLong(m.group(1)));
            last = m.end();
        }
        regex.append(Pattern.quote(expected.substring(last)));
        Matcher got = Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(actual);
        assertThat(got.matches())
                .as(where + ": " + actual + " matches " + expected)
                .isTrue();
        for (int i = 0; i < offsets.size(); i++) {
            long value = Long.parseLong(got.group(i + 1));
            Long offset = offsets.get(i);
            if (offset == null) {
                assertThat(Math.abs(value - System.currentTimeMillis()))
                        .as(where + " is a Redis time")
                        .isLessThan(600_000L);
            } else if (matchedT0 == null) {
                matchedT0 = value - offset;
            } else {
                assertThat(value - offset)
                        .as(where + ": <REDIS_MS> is one time")
                        .isEqualTo(matchedT0);
            }
        }
    }

    private static List<String> fieldNames(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Every key but the protocol key, sorted, as the vectors spell them; generated ids renamed. */
    private static JsonNode dump(RedisCommands<String, String> r, Map<String, String> rename) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Map<String, ObjectNode> sorted = new TreeMap<>();
        for (String key : r.keys("*")) {
            if (key.equals("jrq:protocol")) {
                continue;
            }
            ObjectNode rec = f.objectNode();
            String type = r.type(key);
            rec.put("type", type);
            switch (type) {
                case "hash" -> {
                    ObjectNode h = f.objectNode();
                    new TreeMap<>(r.hgetall(key)).forEach((k, val) -> h.put(renamed(k, rename), renamed(val, rename)));
                    rec.set("value", sortFields(h));
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
                    // By score, then member, as ZRANGE orders them, after renaming.
                    List<ScoredValue<String>> entries = new ArrayList<>();
                    for (ScoredValue<String> sv : r.zrangeWithScores(key, 0, -1)) {
                        entries.add(ScoredValue.just(sv.getScore(), renamed(sv.getValue(), rename)));
                    }
                    entries.sort(java.util.Comparator.<ScoredValue<String>>comparingDouble(ScoredValue::getScore)
                            .thenComparing(ScoredValue::getValue));
                    ArrayNode z = f.arrayNode();
                    entries.forEach(sv -> z.add(f.arrayNode().add(sv.getValue()).add((long) sv.getScore())));
                    rec.set("value", z);
                }
                default -> rec.put("value", renamed(r.get(key), rename));
            }
            rec.put("pttl", r.pttl(key));
            sorted.put(renamed(key, rename), rec);
        }
        ObjectNode out = f.objectNode();
        sorted.forEach(out::set);
        return out;
    }

    private static ObjectNode sortFields(ObjectNode o) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        new TreeMap<String, JsonNode>(toMap(o)).forEach(s::set);
        return s;
    }

    private static Map<String, JsonNode> toMap(ObjectNode o) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    private static String renamed(String s, Map<String, String> rename) {
        String out = s;
        for (Map.Entry<String, String> e : rename.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
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
        for (String name : fieldNames(o)) {
            JsonNode x = o.get(name);
            switch (name) {
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
                default -> throw new IllegalArgumentException("vector option not known to this test: " + name);
            }
        }
        return b;
    }

    /** A vector's call as it travels: a command's words, or EVALSHA with the script's SHA-1. */
    private static List<String> wire(JsonNode call) {
        List<String> w = new ArrayList<>();
        if (call.has("command")) {
            call.get("command").forEach(c -> w.add(c.asText()));
            return w;
        }
        w.add("EVALSHA");
        w.add(sha1(script(call.get("name").asText())));
        w.add(Integer.toString(call.get("keys").size()));
        call.get("keys").forEach(k -> w.add(k.asText()));
        call.get("argv").forEach(a -> w.add(a.asText()));
        return w;
    }

    private static Object send(RedisCommands<String, String> r, JsonNode call) {
        if (call.has("command")) {
            List<String> words = new ArrayList<>();
            call.get("command").forEach(c -> words.add(c.asText()));
            assertThat(words.get(0)).isEqualTo("SADD");
            return r.sadd(words.get(1), words.subList(2, words.size()).toArray(String[]::new));
        }
        String[] keys = new String[call.get("keys").size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = call.get("keys").get(i).asText();
        }
        String[] argv = new String[call.get("argv").size()];
        for (int i = 0; i < argv.length; i++) {
            argv[i] = call.get("argv").get(i).asText();
        }
        return r.eval(script(call.get("name").asText()), ScriptOutputType.MULTI, keys, argv);
    }

    /** The jar's assembled script (docs/PROTOCOL.md, "Scripts"). */
    static String script(String name) {
        try (InputStream in = ProtocolVectorsIT.class.getResourceAsStream("/io/jrq/lua/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no script " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The commands a server receives, read with MONITOR on a connection of its own: SADD and the
     * script calls (EVAL shown as EVALSHA of its body's SHA-1), not the commands scripts run.
     */
    static final class Monitor implements AutoCloseable {
        private final Socket socket;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final String marker = "vector-end-" + System.nanoTime();

        Monitor(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$7\r\nMONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String ok = readLine(in);
            if (!"+OK".equals(ok)) {
                throw new IOException("MONITOR answered " + ok);
            }
            Thread reader = new Thread(
                    () -> {
                        try {
                            for (String l = readLine(in); l != null; l = readLine(in)) {
                                lines.add(l);
                            }
                        } catch (IOException e) {
                            // closed
                        }
                    },
                    "monitor");
            reader.setDaemon(true);
            reader.start();
        }

        List<List<String>> commandsUntilMarker(RedisServer server) throws InterruptedException {
            server.execute("ECHO", marker);
            List<List<String>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                if (line.contains(" lua]")) {
                    continue;
                }
                List<String> words = words(line);
                if (words.isEmpty()) {
                    continue;
                }
                String cmd = words.get(0).toUpperCase(java.util.Locale.ROOT);
                if (cmd.equals("ECHO") && words.size() == 2 && words.get(1).equals(marker)) {
                    return out;
                }
                if (cmd.equals("EVAL")) {
                    List<String> w = new ArrayList<>(words);
                    w.set(0, "EVALSHA");
                    w.set(1, sha1(words.get(1)));
                    // EVAL after NOSCRIPT: the same call sent again with the script's body.
                    if (!out.isEmpty() && out.get(out.size() - 1).equals(w)) {
                        out.remove(out.size() - 1);
                    }
                    out.add(w);
                } else if (cmd.equals("EVALSHA")) {
                    List<String> w = new ArrayList<>(words);
                    w.set(0, "EVALSHA");
                    out.add(w);
                } else if (cmd.equals("SADD")) {
                    out.add(words);
                }
            }
            throw new AssertionError("MONITOR did not show the end marker");
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int prev = -1;
            for (int c = in.read(); c >= 0; c = in.read()) {
                if (prev == '\r' && c == '\n') {
                    byte[] bytes = b.toByteArray();
                    return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                }
                b.write(c);
                prev = c;
            }
            return null;
        }

        /** The quoted words of a MONITOR line ({@code +<time> [db addr] "word" ...}), unescaped to UTF-8. */
        static List<String> words(String line) {
            List<String> out = new ArrayList<>();
            int i = line.indexOf("] ");
            if (i < 0) {
                return out;
            }
            i += 2;
            while (i < line.length()) {
                if (line.charAt(i) != '"') {
                    i++;
                    continue;
                }
                ByteArrayOutputStream w = new ByteArrayOutputStream();
                i++;
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i);
                    if (c == '\\') {
                        char n = line.charAt(i + 1);
                        switch (n) {
                            case 'n' -> w.write('\n');
                            case 'r' -> w.write('\r');
                            case 't' -> w.write('\t');
                            case 'a' -> w.write(7);
                            case 'b' -> w.write('\b');
                            case 'x' -> {
                                w.write(Integer.parseInt(line.substring(i + 2, i + 4), 16));
                                i += 2;
                            }
                            default -> w.write(n);
                        }
                        i += 2;
                    } else {
                        w.write(c);
                        i++;
                    }
                }
                i++;
                out.add(w.toString(StandardCharsets.UTF_8));
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
