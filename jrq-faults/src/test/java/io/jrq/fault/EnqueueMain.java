package io.jrq.fault;

import io.jrq.Job;
import io.jrq.Jrq;
import java.time.Duration;

/**
 * A client process for the fault tests: enqueues one {@link FaultJobs#work} job due after a
 * delay, then exits. Arguments: Redis URL, queue, delay in ms, label. Prints
 * {@code CLOCK <System.currentTimeMillis()>} right after the enqueue returned, then
 * {@code ENQUEUED <job id>}.
 */
public final class EnqueueMain {
    private EnqueueMain() {}

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: EnqueueMain <redis-url> <queue> <delay-ms> <label>");
            System.exit(2);
        }
        try (Jrq jrq = Jrq.connect(args[0])) {
            Job<String> job = jrq.queue(args[1])
                    .in(Duration.ofMillis(Long.parseLong(args[2])))
                    .enqueue(FaultJobs::work, args[3], 1L);
            // Read right after the enqueue returned, so the test can compare it with the job's
            // enqueued_at (Redis time) to see how far this JVM's clock is off.
            System.out.println("CLOCK " + System.currentTimeMillis());
            System.out.println("ENQUEUED " + job.id());
        }
        System.out.flush();
    }
}
