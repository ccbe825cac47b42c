package io.jrq.internal.redis;

import io.jrq.internal.codec.JobRef;
import java.util.ArrayList;
import java.util.List;

/**
 * A job that ended and the jobs waiting for it, as the scripts that end jobs report them
 * ({@code released} of fetch.lua, reap.lua and recover.lua, the reply of release.lua), for
 * {@link Dependencies#release} to tell the dependents.
 *
 * @param ref the ended job as "queue/id"
 * @param outcome how it ended (FINISHED, FAILED, CANCELED, STOPPED, MISSING)
 * @param dependents the waiting jobs as "queue/id"
 */
public record EndedJob(String ref, String outcome, List<String> dependents) {
    /**
     * @param queue the queue the entries came from
     * @param flat entries { id, outcome, {dependents} } as the scripts return them
     * @return the entries that have dependents; an empty list when there are none
     */
    @SuppressWarnings("unchecked")
    static List<EndedJob> parseAll(String queue, List<Object> flat) {
        if (flat.isEmpty()) {
            return List.of();
        }
        List<EndedJob> out = new ArrayList<>();
        for (Object o : flat) {
            List<Object> e = (List<Object>) o;
            List<String> deps = new ArrayList<>();
            ((List<Object>) e.get(2)).forEach(d -> deps.add((String) d));
            if (!deps.isEmpty()) {
                out.add(new EndedJob(new JobRef(queue, (String) e.get(0)).toString(), (String) e.get(1), deps));
            }
        }
        return out;
    }
}
