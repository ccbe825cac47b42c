package io.jrq.fault;

import io.jrq.JobContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Job methods for the fault tests. Every run is recorded before the job does anything else, so a
 * run cut short by a crash still counts: in this JVM in {@link #RUNS}, and, when the system
 * property {@value #LOG_PROPERTY} names a file, as one line
 * {@code <job id> <label> <pid> <attempt> <start time in epoch ms>} appended to it, which the test
 * reads after the process is gone.
 */
public final class FaultJobs {
    /** System property naming the run log file of a worker process. */
    public static final String LOG_PROPERTY = "jrq.fault.log";
    /** System property that marks a JVM as a disposable worker process (see {@link #halt}). */
    public static final String DISPOSABLE_PROPERTY = "jrq.fault.disposable";
    /** Runs per job id in this JVM. */
    public static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    private static final long PID = ProcessHandle.current().pid();
    private static FileChannel log;

    private FaultJobs() {}

    /**
     * Records the run, sleeps, and says who ran it.
     *
     * @param label a name for the job chosen by the test
     * @param millis how long to work
     * @return {@code label@pid} of the process that ran it
     */
    public static String work(String label, long millis) throws InterruptedException {
        record(label);
        Thread.sleep(millis);
        return label + "@" + PID;
    }

    /**
     * {@link #work} for 10 ms; one argument, so that it can be enqueued in bulk with
     * {@code enqueueAll}.
     *
     * @param label a name for the job chosen by the test
     * @return {@code label@pid} of the process that ran it
     */
    public static String brief(String label) throws InterruptedException {
        return work(label, 10);
    }

    /**
     * {@link #work} for a time derived from the label, the same for every run of the job: 2-10 ms for
     * nine labels in ten, 30-150 ms for the others. A mix in which most jobs are short and a worker
     * killed at a random moment usually holds one.
     *
     * @param label a name for the job chosen by the test
     * @return {@code label@pid} of the process that ran it
     */
    public static String varied(String label) throws InterruptedException {
        int h = Math.floorMod(label.hashCode() * 0x9E3779B9, 1000);
        return work(label, h < 900 ? 2 + h % 9 : 30 + h % 121);
    }

    /**
     * Holds its first attempt for a minute (long enough to be orphaned by a kill), runs later
     * attempts in 10 ms.
     *
     * @param label a name for the job chosen by the test
     * @return {@code label@pid} of the process that ran it
     */
    public static String holdFirst(String label) throws InterruptedException {
        return work(label, JobContext.current().attempt() == 1 ? 60_000 : 10);
    }

    /**
     * Records the run, then kills the process that runs it at once, as a JVM crash or an
     * out-of-memory kill would: no shutdown hook, no graceful close. Refuses to run in a JVM that
     * is not a disposable worker process, so it can never take the test JVM down.
     *
     * @param label a name for the job chosen by the test
     * @return never
     */
    public static String halt(String label) {
        if (!Boolean.getBoolean(DISPOSABLE_PROPERTY)) {
            throw new IllegalStateException(
                    "halt runs only in a disposable worker process (-D" + DISPOSABLE_PROPERTY + "=true)");
        }
        record(label);
        Runtime.getRuntime().halt(1);
        return label;
    }

    /**
     * Records the run, then ends the JVM with {@code System.exit(7)}, as application code sometimes
     * does: the JVM's shutdown hooks run (the worker's among them). Disposable worker processes only,
     * like {@link #halt}.
     *
     * @param label a name for the job chosen by the test
     * @return never
     */
    public static String exit(String label) {
        if (!Boolean.getBoolean(DISPOSABLE_PROPERTY)) {
            throw new IllegalStateException(
                    "exit runs only in a disposable worker process (-D" + DISPOSABLE_PROPERTY + "=true)");
        }
        record(label);
        System.exit(7);
        return label;
    }

    /** System property that marks a worker process as the one a test is going to kill. */
    public static final String VICTIM_PROPERTY = "jrq.fault.victim";

    /**
     * Records the run and holds it for a minute in a process started with {@code -Djrq.fault.victim=true}
     * (so that it is cut short by the kill), else runs in 10 ms.
     *
     * @param label a name for the job chosen by the test
     * @return {@code label@pid} of the process that ran it
     */
    public static String holdOnVictim(String label) throws InterruptedException {
        return work(label, Boolean.getBoolean(VICTIM_PROPERTY) ? 60_000 : 10);
    }

    /**
     * Records the run, then allocates 1 MiB arrays and holds on to them until the heap is exhausted:
     * ends with an {@link OutOfMemoryError} (or, with {@code -XX:+ExitOnOutOfMemoryError}, the JVM's
     * exit).
     *
     * @param label a name for the job chosen by the test
     * @return never
     */
    @SuppressWarnings("ModifiedButNotUsed") // the list is only there to hold the heap
    public static String exhaustHeap(String label) {
        record(label);
        java.util.List<byte[]> hog = new java.util.ArrayList<>();
        while (true) {
            hog.add(new byte[1 << 20]);
        }
    }

    private static void record(String label) {
        JobContext ctx = JobContext.current();
        RUNS.computeIfAbsent(ctx.id(), k -> new AtomicInteger()).incrementAndGet();
        String file = System.getProperty(LOG_PROPERTY);
        if (file != null) {
            append(
                    Path.of(file),
                    ctx.id() + " " + label + " " + PID + " " + ctx.attempt() + " " + System.currentTimeMillis() + "\n");
        }
    }

    private static synchronized void append(Path file, String line) {
        try {
            if (log == null) {
                log = FileChannel.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
            // One write call per line: the line is in the kernel's page cache once this returns,
            // so it survives a SIGKILL or halt() of this process a moment later.
            ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                log.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the run log " + file, e);
        }
    }
}
