package io.jrq.cli;

import io.jrq.Admin;
import io.jrq.JobStatus;
import io.jrq.QueueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Queue lookups and the queue table shared by {@code jrq info} and {@code jrq queue list}. */
final class Queues {
    private Queues() {}

    /** @param admin the admin API @return the names of every queue this Redis has seen, sorted */
    static Set<String> names(Admin admin) {
        Set<String> names = new TreeSet<>();
        admin.queues().forEach(q -> names.add(q.name()));
        return names;
    }

    /**
     * @param admin the admin API
     * @param names queue names, or empty for all
     * @return those queues with their counts, in the given order, or all sorted by name
     * @throws CliException (exit 1) naming a queue this Redis has never seen
     */
    static List<QueueInfo> select(Admin admin, List<String> names) {
        if (names.isEmpty()) {
            return admin.queues();
        }
        Set<String> known = names(admin);
        List<QueueInfo> out = new ArrayList<>();
        for (String n : names) {
            requireKnown(known, n);
            out.add(admin.queue(n));
        }
        return out;
    }

    /**
     * @param known the queues this Redis has seen
     * @param name a queue name
     * @throws CliException (exit 1) when {@code name} is not among them
     */
    static void requireKnown(Set<String> known, String name) {
        if (!known.contains(name)) {
            throw new CliException(
                    ExitCodes.FAILED,
                    "no queue named '" + name + "'"
                            + (known.isEmpty()
                                    ? " (this Redis has no jrq queues)"
                                    : " (known: " + String.join(", ", known) + ")"));
        }
    }

    /**
     * @param queues the queues
     * @param term colours
     * @return a table with one row per queue and one column per counted state
     */
    static Table table(List<QueueInfo> queues, Terminal term) {
        List<String> header = new ArrayList<>();
        header.add("QUEUE");
        QueueInfo.COUNTED.forEach(s -> header.add(">" + s.name()));
        Table t = new Table(header.toArray(String[]::new));
        for (QueueInfo q : queues) {
            List<String> row = new ArrayList<>();
            row.add(q.name()
                    + (q.partitions() > 1 ? " " + term.dim("(" + q.partitions() + " partitions)") : "")
                    + (q.paused() ? " " + term.yellow("(paused)") : ""));
            for (JobStatus s : QueueInfo.COUNTED) {
                long n = q.count(s);
                String c = Text.count(n);
                row.add(s == JobStatus.FAILED && n > 0 ? term.red(c) : n == 0 ? term.dim(c) : c);
            }
            t.row(row.toArray(String[]::new));
        }
        return t;
    }
}
