package io.jrq.internal.redis;

import io.jrq.JrqOptions;
import io.jrq.internal.codec.JobRef;
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
    private final ScriptGateway scripts;
    private final JrqOptions options;

    /**
     * @param scripts the scripts
     * @param options client options (TTL of canceled jobs)
     */
    public Dependencies(ScriptGateway scripts, JrqOptions options) {
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
        List<EndedJob> ended = new ArrayList<>();
        for (String id : ids) {
            String me = new JobRef(queue, id).toString();
            for (Map.Entry<String, List<String>> e : byQueue.entrySet()) {
                String depQueue = e.getKey();
                List<String> depIds = e.getValue();
                List<String> states = scripts.depend(depQueue, me, depIds);
                for (int i = 0; i < depIds.size(); i++) {
                    String state = states.get(i);
                    if (!"WAITING".equals(state)) {
                        ended.add(new EndedJob(new JobRef(depQueue, depIds.get(i)).toString(), state, List.of(me)));
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
    public void release(List<EndedJob> ended) {
        Deque<EndedJob> todo = new ArrayDeque<>(ended);
        while (!todo.isEmpty()) {
            // Group the notifications by the dependents' queue: one script call per queue.
            Map<String, List<ScriptGateway.Notice>> byQueue = new LinkedHashMap<>();
            while (!todo.isEmpty()) {
                EndedJob e = todo.poll();
                for (String d : e.dependents()) {
                    JobRef dependent = JobRef.parse(d);
                    byQueue.computeIfAbsent(dependent.queue(), q -> new ArrayList<>())
                            .add(new ScriptGateway.Notice(dependent.id(), e.ref(), e.outcome()));
                }
            }
            for (Map.Entry<String, List<ScriptGateway.Notice>> e : byQueue.entrySet()) {
                todo.addAll(scripts.release(
                        e.getKey(), options.resultTtl().toSeconds(), options.failedJobsMax(), e.getValue()));
            }
        }
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
