package io.jrq.internal.client;

import io.jrq.EnqueueOptions;
import io.jrq.Fn;
import io.jrq.JrqOptions;
import io.jrq.internal.codec.EncodedCall;
import io.jrq.internal.codec.Envelope;
import io.jrq.internal.redis.ScriptGateway;
import java.util.List;

/**
 * Runs the enqueue path once inside {@code Jrq.connect}, up to the moment a command would leave,
 * so that the caller's first enqueue does not pay for it. In a fresh JVM that path loads and links
 * a few hundred classes on first use (the method reference's serialized form, Jackson's serializers,
 * the scripts, read and hashed from the jar, the id generator's {@code SecureRandom}); done here,
 * it is part of the connect, which already waits for Redis. Nothing is sent and nothing is stored,
 * and a warm-up that fails only leaves the first enqueue slower: it never fails the connect.
 */
public final class ClientWarmUp {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClientWarmUp.class);
    /** The queue whose keys are built, never written. */
    private static final String QUEUE = "jrq-warm-up";

    private ClientWarmUp() {}

    /**
     * The method the warm-up's method reference names (public, as every job method must be); never
     * called.
     *
     * @param x anything
     * @return x
     */
    public static long target(long x) {
        return x;
    }

    static void run(JrqOptions options, ScriptGateway scripts) {
        try {
            encodeOnce(options, scripts);
        } catch (RuntimeException e) {
            log.debug("the enqueue path's warm-up failed; the first enqueue pays for it instead", e);
        }
    }

    private static void encodeOnce(JrqOptions options, ScriptGateway scripts) {
        Envelope.warmUp();
        ScriptGateway.loadScripts();
        JobEncoder encoder = new JobEncoder(EnqueueOptions.none(), null, options);
        EncodedCall call = EncodedCall.of((Fn.F1<Long, Long>) ClientWarmUp::target, null, new Object[] {1L});
        List<EncodedJob> jobs = encoder.encode(List.of(encoder.envelope(call)));
        EnqueueSpec spec = encoder.spec();
        scripts.enqueue(
                QUEUE,
                spec.atFront(),
                spec.atMs(),
                spec.delayMs(),
                spec.uniqueScope(),
                spec.uniqueTtlMs(),
                spec.deps(),
                spec.depPolicy());
        jobs.get(0).payload();
    }
}
