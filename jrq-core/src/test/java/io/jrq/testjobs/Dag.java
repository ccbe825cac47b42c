package io.jrq.testjobs;

import io.jrq.JobContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Nodes of a dependency graph; they log when they start and end so the test can check the order. */
public final class Dag {
    public static final List<String> LOG = new CopyOnWriteArrayList<>();

    private Dag() {}

    public static int node(String label, int value) throws InterruptedException {
        LOG.add("start " + label);
        Thread.sleep(2);
        LOG.add("end " + label);
        return value;
    }

    /** Sums the integer results of the jobs this one waited for. */
    public static int sumOfDependencies() {
        JobContext ctx = JobContext.current();
        int sum = 0;
        for (int i = 0; i < ctx.dependencies().size(); i++) {
            sum += ctx.dependencyResult(i, Integer.class);
        }
        return sum;
    }
}
