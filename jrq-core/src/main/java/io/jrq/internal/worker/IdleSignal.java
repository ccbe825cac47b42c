package io.jrq.internal.worker;

import java.util.concurrent.TimeUnit;

/**
 * Who may lease while the worker is idle. The fetch loop arms it when it goes to sleep with free
 * slots; one queue waiter claims it (when it sees a job, or, for a worker with one queue, when it
 * sends its wait with the fetch behind it) and holds it until its fetches end; then the signal is
 * handed back (armed again, or left to the loop). The loop takes it back on waking unless it is
 * claimed; while it is, the loop only sends outcomes. So exactly one party leases at any moment,
 * and never more jobs than there are free slots.
 */
final class IdleSignal {
    private enum State {
        LOOP,
        ARMED,
        CLAIMED
    }

    private State state = State.LOOP;

    /** Called by the loop before it sleeps: the waiters may block and claim. */
    synchronized void arm() {
        state = State.ARMED;
        notifyAll();
    }

    /** @return true when this call claimed the signal, so exactly one waiter runs the idle fetch */
    synchronized boolean claim() {
        if (state != State.ARMED) {
            return false;
        }
        state = State.CLAIMED;
        return true;
    }

    /** @param rearm true to let the waiters block again, false to leave the next move to the loop */
    synchronized void handBack(boolean rearm) {
        if (state == State.CLAIMED) {
            state = rearm ? State.ARMED : State.LOOP;
            notifyAll();
        }
    }

    /**
     * Called by the loop on waking. It does not wait for a claimed fetch: a waiter may hold the
     * signal for as long as its wait blocks, and outcomes must not wait that long.
     *
     * @return true when the loop holds the signal (and may lease), false while a waiter holds it
     */
    synchronized boolean takeUnlessClaimed() {
        if (state == State.CLAIMED) {
            return false;
        }
        state = State.LOOP;
        return true;
    }

    /** @return true while a waiter's idle fetch is in flight */
    synchronized boolean claimed() {
        return state == State.CLAIMED;
    }

    synchronized boolean awaitArmed(long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        while (state != State.ARMED) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
