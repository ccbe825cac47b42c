package io.jrq.fault;

import io.jrq.Jrq;
import io.jrq.Worker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process for the fault tests. Arguments: Redis URL, queue, lease in ms, concurrency,
 * worker name. System properties {@code jrq.fault.reapMs} (default 500) and
 * {@code jrq.fault.maxRecoveries} (default 3) tune the reaper, {@code jrq.fault.quickRecovery} (default
 * true) turns quick recovery off when false. Prints {@code READY <name> <pid>}
 * once the worker runs, then runs until it is killed, or until SIGTERM shuts the worker down
 * gracefully.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 5) {
            System.err.println("usage: WorkerMain <redis-url> <queue> <lease-ms> <concurrency> <name>");
            System.exit(2);
        }
        // Never outlive the test JVM that started this process, however that JVM ends.
        ProcessHandle.current()
                .parent()
                .ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        Jrq jrq = Jrq.connect(args[0]);
        Worker worker = jrq.worker(args[1])
                .name(args[4])
                .leaseDuration(Duration.ofMillis(Long.parseLong(args[2])))
                .concurrency(Integer.parseInt(args[3]))
                .reapInterval(Duration.ofMillis(Long.getLong("jrq.fault.reapMs", 500)))
                .maxRecoveries(Integer.getInteger("jrq.fault.maxRecoveries", 3))
                .quickRecovery(Boolean.parseBoolean(System.getProperty("jrq.fault.quickRecovery", "true")))
                .shutdownGrace(Duration.ofSeconds(5))
                .allowPackages("io.jrq.fault", "io.jrq.testjobs")
                .start();
        // What this JVM believes the time is, for tests that skew its clock; before READY, so that
        // a test that saw READY finds it.
        System.out.println("CLOCK " + System.currentTimeMillis());
        System.out.println(
                "READY " + worker.name() + " " + ProcessHandle.current().pid());
        System.out.flush();
        // The worker's SIGTERM hook closes it; the JVM then exits without this thread's help.
        new CountDownLatch(1).await();
    }
}
