package io.jrq.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps a fixed number of worker processes running, the way systemd or Kubernetes would: every one
 * that dies (killed by the test or halted by a fault point) is replaced at once by a new process
 * under a new name. Records each death and, for the processes it killed itself, when.
 */
final class Respawner implements AutoCloseable {
    /**
     * A worker process that died.
     *
     * @param process the process
     * @param at when it was killed (for {@link #killRandom}) or seen dead (otherwise), epoch ms
     * @param killed true when {@link #killRandom} killed it
     */
    record Death(WorkerProcess process, long at, boolean killed) {}

    private final WorkerProcesses fleet;
    private final List<WorkerProcess.Spec> specs;
    private final List<String> jvmArgs;
    private final String prefix;
    private final List<WorkerProcess> slots = new ArrayList<>();
    private final List<Death> deaths = new CopyOnWriteArrayList<>();
    private final Map<Long, Long> killedAt = new ConcurrentHashMap<>();
    private final Thread thread;
    private int started;

    /** Starts {@code size} worker processes named {@code <prefix>-<n>} and watches over them. */
    Respawner(WorkerProcesses fleet, String prefix, int size, WorkerProcess.Spec spec) {
        this(fleet, prefix, java.util.Collections.nCopies(size, spec), List.of());
    }

    /** Starts {@code size} worker processes with these extra JVM options, and watches over them. */
    Respawner(WorkerProcesses fleet, String prefix, int size, WorkerProcess.Spec spec, List<String> jvmArgs) {
        this(fleet, prefix, java.util.Collections.nCopies(size, spec), jvmArgs);
    }

    /**
     * Starts one worker process per spec, named {@code <prefix>-<n>}, and watches over them; the
     * process that replaces a dead one gets the dead one's spec.
     */
    Respawner(WorkerProcesses fleet, String prefix, List<WorkerProcess.Spec> specs) {
        this(fleet, prefix, specs, List.of());
    }

    private Respawner(WorkerProcesses fleet, String prefix, List<WorkerProcess.Spec> specs, List<String> jvmArgs) {
        this.fleet = fleet;
        this.specs = List.copyOf(specs);
        this.jvmArgs = List.copyOf(jvmArgs);
        this.prefix = prefix;
        synchronized (this) {
            for (int i = 0; i < specs.size(); i++) {
                slots.add(startOne(i));
            }
        }
        thread = new Thread(this::watch, "respawner-" + prefix);
        thread.setDaemon(true);
        thread.start();
    }

    private WorkerProcess startOne(int slot) {
        return fleet.start(prefix + "-" + (started++), specs.get(slot), jvmArgs, Map.of());
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            synchronized (this) {
                for (int i = 0; i < slots.size(); i++) {
                    WorkerProcess w = slots.get(i);
                    if (!w.isAlive()) {
                        Long at = killedAt.get(w.pid());
                        deaths.add(new Death(w, at != null ? at : System.currentTimeMillis(), at != null));
                        slots.set(i, startOne(i));
                    }
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** @return how many of the current processes have printed READY */
    synchronized int ready() {
        return (int) slots.stream().filter(w -> w.isAlive() && w.isReady()).count();
    }

    /**
     * {@code kill -9} of one of the ready processes, picked at random, provided at least
     * {@code minReady} are ready (the victim included), so that others are there to take over.
     *
     * @return the killed process, or null when too few were ready
     */
    synchronized WorkerProcess killRandom(Random random, int minReady) {
        List<WorkerProcess> candidates =
                slots.stream().filter(w -> w.isAlive() && w.isReady()).toList();
        if (candidates.size() < minReady || candidates.isEmpty()) {
            return null;
        }
        WorkerProcess victim = candidates.get(random.nextInt(candidates.size()));
        killedAt.put(victim.pid(), System.currentTimeMillis());
        victim.kill();
        return victim;
    }

    /** @return the processes that died so far, in the order their deaths were seen */
    List<WorkerProcess> dead() {
        return deaths.stream().map(Death::process).toList();
    }

    /** @return the deaths seen so far */
    List<Death> deaths() {
        return List.copyOf(deaths);
    }

    /** Stops respawning; the processes themselves are killed by {@link WorkerProcesses} after the test. */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(10_000);
    }
}
