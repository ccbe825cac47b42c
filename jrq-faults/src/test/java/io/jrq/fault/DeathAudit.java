package io.jrq.fault;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a batch of jobs, once it is over, against the worker deaths that hit it: which jobs did not
 * end FINISHED, which ran more than once, whether every extra run follows the death of the process
 * that ran the job before, and how long after that death the job started again.
 *
 * @param jobs jobs in the batch
 * @param finished jobs that ended FINISHED
 * @param lost jobs that did not (never ran, still queued or STARTED, failed, or gone)
 * @param failedUnrun jobs that ended FAILED without a single run
 * @param duplicates jobs that started more than once
 * @param extraRuns runs beyond the first, over all jobs
 * @param maxRecoveryMs the longest time from a death to the next start of a job the dead process had
 *     started, or -1 when no job ran twice
 * @param problems one line per job whose record is inconsistent: a run repeated although the process
 *     of the earlier run did not die, or attempts that are not 1 + recoveries
 */
record DeathAudit(
        int jobs,
        long finished,
        long lost,
        long failedUnrun,
        long duplicates,
        long extraRuns,
        long maxRecoveryMs,
        List<String> problems) {

    static DeathAudit of(
            Collection<String> ids, Map<String, JobStates.State> states, RunLog runs, List<Respawner.Death> deaths) {
        Map<Long, Long> deadAt = new HashMap<>();
        deaths.forEach(d -> deadAt.put(d.process().pid(), d.at()));
        Map<String, List<RunLog.Run>> byJob = runs.byJob();
        long finished = 0;
        long failedUnrun = 0;
        long duplicates = 0;
        long extra = 0;
        long maxRecovery = -1;
        List<String> problems = new ArrayList<>();
        for (String id : ids) {
            JobStates.State s = states.get(id);
            if (s != null && "FINISHED".equals(s.status())) {
                finished++;
            }
            if (s != null && s.attempts() != 1 + s.recoveries()) {
                problems.add(id + ": attempts " + s.attempts() + " but recoveries " + s.recoveries());
            }
            List<RunLog.Run> rs = new ArrayList<>(byJob.getOrDefault(id, List.of()));
            if (s != null && "FAILED".equals(s.status()) && rs.isEmpty()) {
                failedUnrun++;
            }
            if (rs.size() < 2) {
                continue;
            }
            duplicates++;
            extra += rs.size() - 1;
            rs.sort(Comparator.comparingLong(RunLog.Run::startedAt));
            for (int i = 0; i + 1 < rs.size(); i++) {
                Long died = deadAt.get(rs.get(i).pid());
                if (died == null) {
                    problems.add(id + ": ran again at " + rs.get(i + 1).startedAt() + " though process "
                            + rs.get(i).pid() + " that ran it at " + rs.get(i).startedAt() + " did not die");
                } else {
                    maxRecovery = Math.max(maxRecovery, rs.get(i + 1).startedAt() - died);
                }
            }
        }
        return new DeathAudit(
                ids.size(),
                finished,
                ids.size() - finished,
                failedUnrun,
                duplicates,
                extra,
                maxRecovery,
                List.copyOf(problems));
    }
}
