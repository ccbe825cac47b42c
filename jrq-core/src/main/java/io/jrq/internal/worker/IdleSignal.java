package io.jrq.internal.worker;

/**
 * Whether the fetcher is idle and wants the queue waiters to block for it. The first waiter to see
 * a job disarms it and wakes the fetcher; the others go back to waiting to be armed.
 */
final class IdleSignal {
    private boolean armed;

    synchronized void arm() {
        armed = true;
        notifyAll();
    }

    /** @return true when this call disarmed it (so exactly one waiter wakes the fetcher) */
    synchronized boolean disarm() {
        boolean was = armed;
        armed = false;
        return was;
    }

    synchronized boolean awaitArmed(long maxMillis) throws InterruptedException {
        if (!armed) {
            wait(maxMillis);
        }
        return armed;
    }
}
