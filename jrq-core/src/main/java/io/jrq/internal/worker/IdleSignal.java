package io.jrq.internal.worker;

/**
 * Who may fetch while the worker is idle. The fetch loop arms it when it goes to sleep with free
 * slots; the first queue waiter to see a job claims it and runs one idle fetch; when that fetch ends
 * the signal is handed back (armed again, or left to the loop). The loop reclaims it on waking and
 * waits while a claimed fetch is still in flight, so exactly one party fetches at any moment.
 */
final class IdleSignal {
    private enum State { LOOP, ARMED, CLAIMED }

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

    /** Called by the loop on waking: takes the signal back, waiting while an idle fetch is in flight. */
    synchronized void reclaim() throws InterruptedException {
        while (state == State.CLAIMED) {
            wait();
        }
        state = State.LOOP;
    }

    /** @return true while a waiter's idle fetch is in flight */
    synchronized boolean claimed() {
        return state == State.CLAIMED;
    }

    synchronized boolean awaitArmed(long maxMillis) throws InterruptedException {
        if (state != State.ARMED) {
            wait(maxMillis);
        }
        return state == State.ARMED;
    }
}
