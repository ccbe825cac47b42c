package io.jrq.fault;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts worker processes for one test and kills every one of them after it, printing the end of
 * each one's output when the test failed. Register with {@code @RegisterExtension}. Output and run
 * logs go to {@code target/fault/<test class>/<test>-<random>/}.
 */
final class WorkerProcesses implements BeforeEachCallback, AfterEachCallback {
    private final List<WorkerProcess> started = new CopyOnWriteArrayList<>();
    private Path dir;

    @Override
    public void beforeEach(ExtensionContext context) {
        dir = Path.of(
                        "target",
                        "fault",
                        context.getRequiredTestClass().getSimpleName(),
                        context.getRequiredTestMethod().getName() + "-"
                                + UUID.randomUUID().toString().substring(0, 8))
                .toAbsolutePath();
    }

    /** Starts a worker process; it is killed after the test whatever happens. */
    WorkerProcess start(String name, WorkerProcess.Spec spec) {
        WorkerProcess p = WorkerProcess.start(name, spec, dir);
        started.add(p);
        return p;
    }

    /**
     * Starts a worker process with extra JVM options and environment variables; it is killed after
     * the test whatever happens.
     */
    WorkerProcess start(String name, WorkerProcess.Spec spec, List<String> jvmArgs, java.util.Map<String, String> env) {
        WorkerProcess p = WorkerProcess.start(name, spec, dir, jvmArgs, env);
        started.add(p);
        return p;
    }

    /** @return the directory of this test's output and run logs */
    Path dir() {
        return dir;
    }

    /** @return every process started in this test, in order */
    List<WorkerProcess> all() {
        return List.copyOf(started);
    }

    /** @return every run recorded by the processes of this test so far */
    RunLog runs() {
        return RunLog.read(started.stream().map(WorkerProcess::runLog).toList());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (context.getExecutionException().isPresent()) {
                for (WorkerProcess p : started) {
                    System.err.println(p + ", alive: " + p.isAlive() + "\n" + p.tail(60));
                }
            }
        } finally {
            for (WorkerProcess p : started) {
                try {
                    p.close();
                } catch (RuntimeException e) {
                    System.err.println("could not kill " + p + ": " + e);
                }
            }
        }
    }
}
