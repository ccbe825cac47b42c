package io.jrq.internal.client;

import io.jrq.Durability;
import java.util.List;

/**
 * Choices that apply to a whole enqueue call.
 *
 * @param atFront put the jobs at the front of the queue
 * @param atMs due time in ms since the epoch, or -1
 * @param delayMs delay from now in ms, or -1
 * @param uniqueScope Q (while queued), A (while active) or T (for uniqueTtlMs)
 * @param uniqueTtlMs how long a unique key holds for scope T, else -1
 * @param deps the jobs these wait for, as "queue/id" (empty for none)
 * @param depPolicy "cancel" or "run" when a dependency does not finish
 * @param durability the confirmation to wait for once the jobs are stored
 */
public record EnqueueSpec(
        boolean atFront,
        long atMs,
        long delayMs,
        String uniqueScope,
        long uniqueTtlMs,
        List<String> deps,
        String depPolicy,
        Durability durability) {
    /** Now, at the back, no uniqueness, no dependencies. */
    public static final EnqueueSpec NOW = new EnqueueSpec(false, -1, -1, "Q", -1, List.of(), "cancel");

    /** Copies the list. */
    public EnqueueSpec {
        deps = List.copyOf(deps);
        durability = durability == null ? Durability.none() : durability;
    }

    /** Without a durability wait. */
    public EnqueueSpec(
            boolean atFront,
            long atMs,
            long delayMs,
            String uniqueScope,
            long uniqueTtlMs,
            List<String> deps,
            String depPolicy) {
        this(atFront, atMs, delayMs, uniqueScope, uniqueTtlMs, deps, depPolicy, Durability.none());
    }

    /** @return true when the jobs are due later, not now */
    public boolean isDelayed() {
        return atMs >= 0 || delayMs > 0;
    }
}
