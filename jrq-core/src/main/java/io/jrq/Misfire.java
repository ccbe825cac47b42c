package io.jrq;

/**
 * What a recurring job does about ticks that came and went while no worker served its queue
 * (a deployment, an outage). A tick counts as missed when it is taken more than a grace late: the
 * larger of 1 second and a tenth of the time between this tick and the next (2.4 hours for a daily
 * job, 1 second for anything every 10 seconds or more often). Ticks taken within the grace run
 * normally, one after the other.
 */
public enum Misfire {
    /**
     * The default: run once as soon as a worker is back, however many ticks were missed, then carry
     * on from the next tick in the future. Never a burst of catch-up runs. The catch-up run carries
     * the due time of the first missed tick (its id and {@code recurring_due} meta).
     */
    RUN_ONCE,
    /** Do not run for the missed ticks; carry on from the next tick in the future. */
    SKIP
}
