package io.jrq.internal.codec;

import java.security.SecureRandom;

/**
 * New job ids: 16 characters of {@code [0-9A-Za-z]}, 95 random bits from a {@link SecureRandom}
 * per thread. Short, because the id is stored three times per queued job (the key, the ready list,
 * the registries) and in every event. Only a collision with a job still stored in the same queue
 * would matter (the enqueue script, which checks every id, would refuse the new job): for m jobs enqueued while k are kept its probability is about m·k/2⁹⁵, e.g. 3·10⁻⁹ for
 * 10¹² jobs with 10⁸ kept (a UUID has 122 random bits, at 2.3 times the memory).
 */
public final class JobIds {
    /** Length of a generated id. */
    public static final int LENGTH = 16;

    private static final char[] DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** 62^8: each 64-bit draw gives 8 digits (its remainder by this; the bias is under 2⁻¹⁶). */
    private static final long EIGHT_DIGITS = 218_340_105_584_896L;

    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

    private JobIds() {}

    /** @return a new random id */
    public static String next() {
        SecureRandom r = RANDOM.get();
        char[] c = new char[LENGTH];
        fill(c, 0, Long.remainderUnsigned(r.nextLong(), EIGHT_DIGITS));
        fill(c, 8, Long.remainderUnsigned(r.nextLong(), EIGHT_DIGITS));
        return new String(c);
    }

    private static void fill(char[] c, int from, long v) {
        for (int i = from + 7; i >= from; i--) {
            c[i] = DIGITS[(int) (v % 62)];
            v /= 62;
        }
    }
}
