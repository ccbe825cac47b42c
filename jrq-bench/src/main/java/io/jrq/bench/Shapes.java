package io.jrq.bench;

import io.jrq.bench.CostPerJob.Shape;
import java.util.List;

/**
 * The {@code cost} measurement for other shapes of work than one queue of no-op jobs: a worker
 * serving three queues in strict priority and weighted, and jobs with a 1 KB argument and result.
 * The one-queue no-op case runs first in the same run, so that each shape's figures can be read as
 * ratios to it on a noisy machine; each row carries {@code steady_vs_one_queue_noop}.
 */
final class Shapes {
    private static final List<Shape> SHAPES = List.of(
            Shape.ONE_QUEUE_NOOP,
            new Shape("three queues, strict", 3, false, false),
            new Shape("three queues, weighted 3:2:1", 3, true, false),
            new Shape("one queue, 1 KB argument and result", 1, false, true));

    private Shapes() {}

    static void run(Bench b, int c) {
        double baseline = 0;
        for (Shape shape : SHAPES) {
            Report.Figure figure = b.report.figure("shapes", shape.name() + ", concurrency " + c);
            double steady = CostPerJob.measure(b, c, shape, figure);
            if (baseline == 0) {
                baseline = steady;
            }
            figure.put("steady_vs_one_queue_noop", steady / baseline).emit();
        }
    }
}
