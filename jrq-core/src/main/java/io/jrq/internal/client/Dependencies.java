package io.jrq.internal.client;

import io.jrq.JrqOptions;
import io.jrq.internal.Keys;
import io.jrq.internal.codec.JobRef;
import io.jrq.internal.redis.Script;
import io.jrq.internal.redis.Scripts;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wires dependencies across queues. A dependency and its dependent may live in different cluster
 * slots, so no single script can see both: the dependent is stored DEFERRED first, then registered
 * with each dependency ({@code depend.lua}), and whoever ends a dependency passes its dependents on
 * to {@code release.lua} in their own queues. Both steps are idempotent, so retries are safe.
 */
public final class Dependencies {
    /**
     * A job that ended and the jobs waiting for it.
     *
     * @param ref the ended job as "queue/id"
     * @param outcome how it ended
     * @param dependents the waiting jobs as "queue/id"
     */
    public record Ended(String ref, String outcome, List<String> dependents) {
    }

    private final Keys keys;
    private final Scripts scripts;
    private final JrqOptions options;

    /**
     * @param keys key builder
     * @param scripts script runner
     * @param options client options (TTL of canceled jobs)
     */
    public Dependencies(Keys keys, Scripts scripts, JrqOptions options) {
        this.keys = keys;
        this.scripts = scripts;
        this.options = options;
    }

    /**
     * Registers stored DEFERRED jobs with their dependencies and releases those already ended.
     *
     * @param queue the dependents' queue
     * @param ids the dependents
     * @param deps the dependencies as "queue/id"
     */
    public void register(String queue, List<String> ids, List<String> deps) {
        Map<String, List<String>> byQueue = group(deps);
        List<Ended> ended = new ArrayList<>();
        for (String id : ids) {
            String me = new JobRef(queue, id).toString();
            for (Map.Entry<String, List<String>> e : byQueue.entrySet()) {
                String depQueue = e.getKey();
                List<String> depIds = e.getValue();
                String[] args = new String[1 + depIds.size()];
                args[0] = me;
                for (int i = 0; i < depIds.size(); i++) {
                    args[i + 1] = depIds.get(i);
                }
                List<Object> r = scripts.call(Script.DEPEND, ScriptOutputType.MULTI,
                        new String[] {keys.jobPrefix(depQueue), keys.dependentsPrefix(depQueue), keys.queued(depQueue)}, args);
                for (int i = 0; i < depIds.size(); i++) {
                    String state = (String) r.get(i);
                    if (!"WAITING".equals(state)) {
                        ended.add(new Ended(new JobRef(depQueue, depIds.get(i)).toString(), state, List.of(me)));
                    }
                }
            }
        }
        release(ended);
    }

    /**
     * Tells dependents that jobs ended, following cancellations down the graph.
     *
     * @param ended ended jobs with their dependents
     */
    public void release(List<Ended> ended) {
        Deque<Ended> todo = new ArrayDeque<>(ended);
        while (!todo.isEmpty()) {
            // Group the notifications by the dependents' queue: one script call per queue.
            Map<String, List<String[]>> byQueue = new LinkedHashMap<>();
            while (!todo.isEmpty()) {
                Ended e = todo.poll();
                for (String d : e.dependents()) {
                    JobRef dependent = JobRef.parse(d);
                    byQueue.computeIfAbsent(dependent.queue(), q -> new ArrayList<>())
                            .add(new String[] {dependent.id(), e.ref(), e.outcome()});
                }
            }
            for (Map.Entry<String, List<String[]>> e : byQueue.entrySet()) {
                String q = e.getKey();
                List<String> args = new ArrayList<>();
                args.add(keys.events(q));
                args.add(Long.toString(options.resultTtl().getSeconds()));
                args.add(Integer.toString(options.failedJobsMax()));
                for (String[] n : e.getValue()) {
                    args.add(n[0]);
                    args.add(n[1]);
                    args.add(n[2]);
                }
                List<Object> canceled = scripts.call(Script.RELEASE, ScriptOutputType.MULTI,
                        new String[] {keys.ready(q), keys.jobPrefix(q), keys.deferred(q), keys.canceled(q), keys.pendingDepsPrefix(q),
                            keys.dependentsPrefix(q)},
                        args.toArray(String[]::new));
                todo.addAll(parse(q, canceled));
            }
        }
    }

    /**
     * @param queue the queue the entries came from
     * @param flat entries { id, outcome, {dependents} } as returned by the scripts
     * @return the entries with dependents
     */
    @SuppressWarnings("unchecked")
    public static List<Ended> parse(String queue, List<Object> flat) {
        List<Ended> out = new ArrayList<>();
        for (Object o : flat) {
            List<Object> e = (List<Object>) o;
            List<String> deps = new ArrayList<>();
            ((List<Object>) e.get(2)).forEach(d -> deps.add((String) d));
            if (!deps.isEmpty()) {
                out.add(new Ended(new JobRef(queue, (String) e.get(0)).toString(), (String) e.get(1), deps));
            }
        }
        return out;
    }

    private static Map<String, List<String>> group(List<String> refs) {
        Map<String, List<String>> byQueue = new LinkedHashMap<>();
        for (String r : refs) {
            JobRef dep = JobRef.parse(r);
            byQueue.computeIfAbsent(dep.queue(), q -> new ArrayList<>()).add(dep.id());
        }
        return byQueue;
    }
}
