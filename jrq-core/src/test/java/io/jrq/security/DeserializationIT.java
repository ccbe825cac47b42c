package io.jrq.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrq.InvalidJobException;
import io.jrq.InvalidPayloadException;
import io.jrq.Job;
import io.jrq.JobInfo;
import io.jrq.JobNotAllowedException;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.security.gadget.SerialGadget;
import io.jrq.testjobs.Jobs;
import io.jrq.testjobs.Sink;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deserialization attacks written straight into Redis (raw HSET and LPUSH, as any producer could,
 * bypassing the Java client): gadget classes as the function, polymorphic typing in arguments and
 * meta, Java serialization streams in arguments and as the payload itself, and allowed methods with
 * the loosest parameter types. Every one must fail the job with a clear reason, load no class it
 * names (a spying class loader and a static initializer that records it ran), and leave the worker
 * running.
 */
@ExtendWith(RedisExtension.class)
class DeserializationIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String GADGET = "io.jrq.security.gadget.Gadget";
    private static final List<String> GADGET_CLASSES = List.of(
            "org.apache.commons.collections.functors.InvokerTransformer",
            "org.apache.commons.collections4.functors.InstantiateTransformer",
            "com.sun.rowset.JdbcRowSetImpl",
            "org.springframework.beans.factory.config.PropertyPathFactoryBean",
            "org.springframework.context.support.ClassPathXmlApplicationContext",
            "javax.management.loading.MLet",
            "javax.management.remote.rmi.RMIConnector",
            "javax.naming.InitialContext",
            "java.lang.ProcessBuilder",
            "java.lang.Runtime",
            "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
            GADGET);
    private static final Set<String> REFUSALS =
            Set.of(JobNotAllowedException.class.getName(), InvalidPayloadException.class.getName());

    private final RedisServer redis;
    private final Keys keys = new Keys("jrq");
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private Jrq jrq;
    private Worker worker;
    private String q;

    DeserializationIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void start() {
        System.clearProperty("jrq.gadget.initialised");
        System.clearProperty("jrq.gadget.ran");
        System.clearProperty("jrq.gadget.deserialized");
        q = "deser-" + UUID.randomUUID().toString().substring(0, 8);
        jrq = Jrq.connect(redis.url());
        ClassLoader spy = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                requested.add(n);
                return super.loadClass(n, resolve);
            }
        };
        worker = jrq.worker(q)
                .allowPackages("io.jrq.testjobs")
                .classLoader(spy)
                .concurrency(4)
                .handleSignals(false)
                .start();
    }

    @AfterEach
    void stop() {
        worker.close();
        jrq.close();
    }

    private String inject(String payload) {
        String id = "atk-" + UUID.randomUUID();
        redis.execute("HSET", keys.job(q, id), "payload", payload.replace("$ID", id), "status", "QUEUED");
        redis.execute("LPUSH", keys.ready(q), id);
        return id;
    }

    private String injectBytes(byte[] payload) {
        String id = "atk-" + UUID.randomUUID();
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            c.sync()
                    .hset(
                            keys.job(q, id).getBytes(StandardCharsets.UTF_8),
                            Map.of(
                                    "payload".getBytes(StandardCharsets.UTF_8),
                                    payload,
                                    "status".getBytes(StandardCharsets.UTF_8),
                                    "QUEUED".getBytes(StandardCharsets.UTF_8)));
            c.sync().lpush(keys.ready(q).getBytes(StandardCharsets.UTF_8), id.getBytes(StandardCharsets.UTF_8));
        } finally {
            client.shutdown();
        }
        return id;
    }

    private JobInfo ended(String id) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JobInfo info = jrq.admin().job(q, id).orElseThrow();
            if (info.status().isTerminal()) {
                return info;
            }
            sleep(20);
        }
        throw new AssertionError("job " + id + " did not end within " + WAIT);
    }

    /** The job failed with a refusal that says why, and was not retried. */
    private void refused(String what, String id, String... reason) {
        JobInfo info = ended(id);
        System.out.println("DeserializationIT: " + what + " -> " + info.status() + " "
                + info.error().map(e -> e.type() + ": " + e.message()).orElse(""));
        assertThat(info.status()).as(what).isEqualTo(JobStatus.FAILED);
        assertThat(info.attempts()).as(what).isEqualTo(1);
        assertThat(info.error().orElseThrow().type()).as(what).isIn(REFUSALS);
        assertThat(info.error().orElseThrow().message()).as(what).contains(reason);
    }

    private void nothingLoadedAndTheWorkerGoesOn() {
        for (String c : GADGET_CLASSES) {
            assertThat(requested).as("class loaded by the worker").doesNotContain(c);
        }
        assertThat(requested).noneMatch(n -> n.startsWith("io.jrq.security.gadget"));
        assertThat(System.getProperty("jrq.gadget.initialised"))
                .as("gadget static initializer ran")
                .isNull();
        assertThat(System.getProperty("jrq.gadget.ran")).isNull();
        assertThat(System.getProperty("jrq.gadget.deserialized"))
                .as("Java deserialization happened")
                .isNull();
        assertThat(new java.io.File("/tmp/jrq-serial-pwned")).doesNotExist();
        assertThat(jrq.queue(q).enqueue(Jobs::add, 40, 2).await(WAIT)).isEqualTo(42);
    }

    @Test
    void gadgetClassesAsTheFunctionAreRefusedUnloaded() {
        Map<String, String> ids = new LinkedHashMap<>();
        for (String c : GADGET_CLASSES) {
            ids.put(
                    c + "::getInstance",
                    inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"" + c + "::getInstance\",\"args\":[]}"));
            // A handler name is looked up among registered handlers only, never as a class.
            ids.put(c + " (as a handler)", inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"" + c + "\",\"args\":[]}"));
        }
        // Gadgets in the other places a payload names classes: callbacks, declared parameter types, retry's "never".
        ids.put(
                "callback",
                inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[\"x\",1],"
                        + "\"callbacks\":{\"failure\":\"" + GADGET + "::run\"}}"));
        ids.put(
                "params",
                inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"io.jrq.testjobs.Sink::object\",\"args\":[1],\"params\":[\""
                        + GADGET + "\"]}"));
        ids.put(
                "retry never",
                inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[\"x\",1],"
                        + "\"retry\":{\"max\":1,\"never\":[\"" + GADGET + "\"]}}"));
        ids.forEach((what, id) -> {
            if (what.endsWith("::getInstance")) {
                refused(what, id, "not allowed", "was not loaded");
            } else if (what.endsWith("(as a handler)")) {
                refused(what, id, "no handler named");
            } else {
                JobInfo info = ended(id);
                System.out.println("DeserializationIT: " + what + " -> " + info.status() + " "
                        + info.error().map(e -> e.type() + ": " + e.message()).orElse(""));
                assertThat(info.status()).as(what).isEqualTo(JobStatus.FAILED);
            }
        });
        nothingLoadedAndTheWorkerGoesOn();
    }

    @Test
    void polymorphicTypingInArgumentsAndMetaIsRefused() {
        String gadgetObject = "{\"@class\":\"" + GADGET + "\",\"command\":\"touch /tmp/x\"}";
        Map<String, String> ids = new LinkedHashMap<>();
        for (String fn : List.of(
                "io.jrq.testjobs.Sink::object",
                "io.jrq.testjobs.Sink::serializable",
                "io.jrq.testjobs.Sink::map",
                "io.jrq.testjobs.Sink::list",
                "io.jrq.testjobs.Sink::text")) {
            ids.put(
                    fn + " @class",
                    inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"" + fn + "\",\"args\":[" + gadgetObject + "]}"));
            ids.put(
                    fn + " @type",
                    inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"" + fn
                            + "\",\"args\":[{\"@type\":\"com.sun.rowset.JdbcRowSetImpl\","
                            + "\"dataSourceName\":\"ldap://127.0.0.1:1/x\",\"autoCommit\":true}]}"));
            ids.put(
                    fn + " wrapper array",
                    inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"" + fn + "\",\"args\":[[\"java.util.HashMap\",{\"a\":[\""
                            + GADGET + "\",{}]}]]}"));
            ids.put(
                    fn + " nested",
                    inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"" + fn + "\",\"args\":[{\"a\":[1,{\"b\":" + gadgetObject
                            + "}]}]}"));
        }
        ids.put(
                "meta @class",
                inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1,2],\"meta\":{\"x\":"
                        + gadgetObject + "}}"));
        ids.put(
                "meta key @type",
                inject(
                        "{\"v\":1,\"id\":\"$ID\",\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1,2],\"meta\":{\"@type\":\""
                                + GADGET + "\"}}"));
        ids.forEach((what, id) -> refused(what, id, "refused"));
        nothingLoadedAndTheWorkerGoesOn();
    }

    @Test
    void javaSerializationStreamsAreRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new SerialGadget());
        }
        byte[] stream = bytes.toByteArray();
        assertThat(HexFormat.of().formatHex(stream, 0, 4)).isEqualTo("aced0005");
        String base64 = Base64.getEncoder().encodeToString(stream);
        String hex = HexFormat.of().formatHex(stream);
        Map<String, String> ids = new LinkedHashMap<>();
        // As the payload itself: raw bytes, base64, hex.
        ids.put("raw stream as the payload", injectBytes(stream));
        ids.put("base64 stream as the payload", inject(base64));
        ids.put("hex stream as the payload", inject(hex));
        // In arguments, into every loose parameter type (and a String, which would never deserialize it).
        for (String fn : List.of(
                "io.jrq.testjobs.Sink::object", "io.jrq.testjobs.Sink::serializable", "io.jrq.testjobs.Sink::text")) {
            ids.put(
                    fn + " base64",
                    inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"" + fn + "\",\"args\":[\"" + base64 + "\"]}"));
            ids.put(fn + " hex", inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"" + fn + "\",\"args\":[\"" + hex + "\"]}"));
        }
        ids.put(
                "list of base64",
                inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"io.jrq.testjobs.Sink::list\",\"args\":[[\"ok\",\"" + base64
                        + "\"]]}"));
        String rawInJson = new String(stream, StandardCharsets.ISO_8859_1);
        ids.put(
                "raw stream inside a JSON string",
                inject("{\"v\":1,\"id\":\"$ID\",\"fn\":\"io.jrq.testjobs.Sink::object\",\"args\":["
                        + io.jrq.internal.codec.Json.mapper().writeValueAsString(rawInJson) + "]}"));
        ids.forEach((what, id) -> {
            if (what.equals("raw stream as the payload")) {
                // Its bytes are not UTF-8: fetch.lua moves it aside before any worker reads it.
                JobInfo info = ended(id);
                assertThat(info.status()).as(what).isEqualTo(JobStatus.FAILED);
                assertThat(info.attempts()).as(what).isZero();
                assertThat(info.error().orElseThrow().type())
                        .as(what)
                        .isEqualTo(io.jrq.CorruptJobException.class.getName());
                assertThat(info.error().orElseThrow().message()).as(what).contains("not valid UTF-8");
            } else if (what.endsWith("as the payload")) {
                refused(what, id, "not valid JSON");
            } else {
                refused(what, id, "Java serialization stream", "refused");
            }
        });
        nothingLoadedAndTheWorkerGoesOn();
    }

    @Test
    void looseParameterTypesGetPlainJsonDataOnly() {
        // Harmless data reaches Object and Serializable parameters as plain JDK values, never as a class it names.
        Job<String> obj = jrq.queue(q).enqueue(Sink::object, (Object) Map.of("class", GADGET, "type", GADGET));
        Job<String> ser = jrq.queue(q).enqueue(Sink::serializable, (java.io.Serializable) "text");
        Job<String> list = jrq.queue(q).enqueue(Sink::list, List.<Object>of(GADGET, Map.of("a", 1), List.of(1)));
        assertThat(obj.await(WAIT)).isEqualTo("java.util.LinkedHashMap");
        assertThat(ser.await(WAIT)).isEqualTo("java.lang.String");
        assertThat(list.await(WAIT)).isEqualTo("[java.lang.String, java.util.LinkedHashMap, java.util.ArrayList]");
        // The Java client refuses to store what a worker would refuse.
        assertThatThrownBy(() -> jrq.queue(q).enqueue(Sink::object, (Object) Map.of("@class", GADGET)))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("'@class'");
        assertThatThrownBy(() -> jrq.queue(q).enqueue(Sink::text, "rO0ABXNyAA"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("Java serialization stream");
        nothingLoadedAndTheWorkerGoesOn();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
