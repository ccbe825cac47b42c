package io.jrq.internal.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides what to do with a recurring job whose due time has come: which ticks run, which are
 * skipped, and the next due time after each. Pure, so that the misfire policy is tested without
 * Redis; {@code tick.lua} then applies each step atomically, once.
 *
 * <p>A tick taken at most a <em>grace</em> late (the larger of 1 s and a tenth of the time to the
 * following tick) runs normally, and the ticks after it that are also due follow one by one. A
 * later tick has <em>misfired</em> (no worker ran for a while):
 * <ul>
 *   <li>{@code RUN_ONCE}: it runs once, as the catch-up run for all the ticks missed, and the
 *       schedule resumes at the first tick after now. Never a burst of catch-up runs.</li>
 *   <li>{@code SKIP}: it does not run, and the schedule resumes at the first tick after now.</li>
 * </ul>
 */
public final class TickPlan {
    /** The smallest grace, in ms. */
    public static final long MIN_GRACE_MS = 1000;

    private TickPlan() {}

    /**
     * One tick to apply.
     *
     * @param due the tick's due time, ms
     * @param run true to enqueue a job for it, false to skip it
     * @param next the due time that replaces it
     */
    public record Step(long due, boolean run, long next) {}

    /**
     * @param schedule the job's schedule
     * @param skip true for the SKIP policy, false for RUN_ONCE
     * @param due the stored due time
     * @param now the current time (Redis clock)
     * @param max the most steps to return; the rest is left for a later round
     * @return the steps, in order: each step's {@code next} is the following step's {@code due};
     *     empty when {@code due} is in the future
     */
    public static List<Step> plan(Schedule schedule, boolean skip, long due, long now, int max) {
        List<Step> steps = new ArrayList<>();
        long d = due;
        while (d <= now && steps.size() < max) {
            long following = schedule.next(d);
            long grace = grace(d, following);
            if (now - d <= grace) {
                steps.add(new Step(d, true, following));
                d = following;
            } else {
                // Misfired: run it once (RUN_ONCE) or not at all (SKIP), and resume in the future either way.
                steps.add(new Step(d, !skip, schedule.nextAfter(d, now)));
                break;
            }
        }
        return steps;
    }

    /**
     * @param due a tick
     * @param following the tick after it
     * @return how late the tick may run before it counts as misfired, ms
     */
    public static long grace(long due, long following) {
        if (following == Schedule.NEVER) {
            return Long.MAX_VALUE / 2;
        }
        return Math.max(MIN_GRACE_MS, (following - due) / 10);
    }
}
