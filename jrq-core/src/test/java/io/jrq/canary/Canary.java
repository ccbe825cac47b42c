package io.jrq.canary;

/** Outside every allowed package: a worker must refuse it without loading it. */
public final class Canary {
    static {
        System.setProperty("jrq.canary.initialised", "true");
    }

    private Canary() {}

    public static String run() {
        return "should never run";
    }
}
