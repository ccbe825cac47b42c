package io.jrq.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The runs recorded by {@link FaultJobs} in the run logs of worker processes: one line per run
 * that started, including runs cut short by a crash.
 */
final class RunLog {
    /**
     * One started run.
     *
     * @param jobId the job's id
     * @param label the label the test gave the job
     * @param pid the process that ran it
     * @param attempt the attempt number the worker saw
     * @param startedAt when the run started, epoch ms on this machine's clock
     */
    record Run(String jobId, String label, long pid, int attempt, long startedAt) {}

    private final List<Run> runs;

    private RunLog(List<Run> runs) {
        this.runs = List.copyOf(runs);
    }

    static RunLog read(Collection<Path> files) {
        List<Run> runs = new ArrayList<>();
        for (Path f : files) {
            if (!Files.exists(f)) {
                continue;
            }
            try {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                // A line still being written by a live process is left for the next read.
                text = text.substring(0, text.lastIndexOf('\n') + 1);
                for (String line : text.split("\n")) {
                    String[] p = line.split(" ");
                    if (p.length == 5) {
                        runs.add(new Run(
                                p[0], p[1], Long.parseLong(p[2]), Integer.parseInt(p[3]), Long.parseLong(p[4])));
                    } else if (!line.isEmpty()) {
                        throw new IllegalStateException("malformed line in run log " + f + ": '" + line + "'");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new RunLog(runs);
    }

    List<Run> all() {
        return runs;
    }

    int size() {
        return runs.size();
    }

    /** @return the runs of each job, in log order per process */
    Map<String, List<Run>> byJob() {
        Map<String, List<Run>> m = new LinkedHashMap<>();
        for (Run r : runs) {
            m.computeIfAbsent(r.jobId(), k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    /** @return the runs of one job */
    List<Run> of(String jobId) {
        return runs.stream().filter(r -> r.jobId().equals(jobId)).toList();
    }

    /** @return the ids of jobs that started more than once */
    Set<String> duplicated() {
        Set<String> ids = new TreeSet<>();
        byJob().forEach((id, rs) -> {
            if (rs.size() > 1) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** @return how many runs the given process started */
    long countBy(long pid) {
        return runs.stream().filter(r -> r.pid() == pid).count();
    }
}
