package io.jrq.internal.worker;

import io.jrq.internal.redis.ScriptGateway;
import io.jrq.internal.schedule.RecurringDef;
import io.jrq.internal.schedule.Schedule;
import io.jrq.internal.schedule.TickPlan;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the recurring jobs of a worker's queues. Every worker runs one (there is no scheduler
 * process); each round it reads the due jobs of each queue with the Redis time
 * ({@code recurring-due.lua}), plans each tick with the misfire policy ({@link TickPlan}) and takes
 * it with {@code tick.lua}, whose compare-and-set on the due time lets exactly one worker enqueue
 * the run of a tick however many try at once.
 */
public final class RecurringTicker implements Runnable {
    /** How often a worker looks for due recurring jobs, in ms. */
    public static final long PERIOD_MS = 500;

    private static final Logger log = LoggerFactory.getLogger(RecurringTicker.class);
    /** Due jobs read per queue and round. */
    private static final int BATCH = 100;
    /** Ticks of one job taken per round; a job with more due ticks continues in the next round. */
    private static final int MAX_STEPS = 50;

    private static final int CACHE_MAX = 1000;

    private record Parsed(RecurringDef def, Schedule schedule) {}

    private final String worker;
    private final List<String> queues;
    private final ScriptGateway scripts;
    /** Parsing a cron expression costs more than a round trip, so definitions are parsed once per text. */
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param worker the worker's name, for logs
     * @param queues the queues whose recurring jobs it ticks
     * @param scripts the scripts
     */
    public RecurringTicker(String worker, List<String> queues, ScriptGateway scripts) {
        this.worker = worker;
        this.queues = List.copyOf(queues);
        this.scripts = scripts;
    }

    /** One round over all queues; never throws, so the timer keeps calling it. */
    @Override
    public void run() {
        for (String queue : queues) {
            try {
                tick(queue);
            } catch (RuntimeException e) {
                log.warn("worker {}: ticking the recurring jobs of {} failed: {}", worker, queue, e.getMessage());
            }
        }
    }

    /**
     * One round over one queue.
     *
     * @param queue the queue
     * @return the runs this call enqueued
     */
    public int tick(String queue) {
        ScriptGateway.DueReply r = scripts.recurringDue(queue, BATCH);
        long now = r.nowMs();
        int enqueued = 0;
        for (ScriptGateway.Due d : r.due()) {
            String name = d.name();
            long due = d.dueMs();
            String json = d.definition();
            Parsed p = parse(queue, name, json);
            if (p == null) {
                continue;
            }
            boolean skip = "SKIP".equals(p.def().misfire());
            for (TickPlan.Step step : TickPlan.plan(p.schedule(), skip, due, now, MAX_STEPS)) {
                String id = step.run() ? RecurringDef.jobId(name, step.due()) : "";
                String payload = step.run() ? p.def().envelope(step.due()).toJson() : "";
                ScriptGateway.Tick taken = scripts.tick(queue, name, step.due(), step.next(), id, payload, json);
                if (taken == ScriptGateway.Tick.NOT_TAKEN) {
                    break; // another worker took this tick, or the job changed: it goes on from there
                }
                if (taken == ScriptGateway.Tick.ENQUEUED) {
                    enqueued++;
                    log.debug("worker {}: enqueued {} in {}", worker, id, queue);
                } else if (!step.run()) {
                    log.info(
                            "worker {}: recurring job {} in {} skipped its tick due at {} ms (misfire policy SKIP)",
                            worker,
                            name,
                            queue,
                            step.due());
                }
            }
        }
        return enqueued;
    }

    private Parsed parse(String queue, String name, String json) {
        Parsed p = parsed.get(json);
        if (p != null) {
            return p;
        }
        try {
            RecurringDef def = RecurringDef.parse(json);
            p = new Parsed(def, def.schedule());
        } catch (RuntimeException e) {
            // Logged once per definition text: the job stays due and would otherwise log every round.
            if (warned.size() < CACHE_MAX && warned.add(json)) {
                log.warn(
                        "worker {}: recurring job {} in {} has an unreadable definition and does not run: {}",
                        worker,
                        name,
                        queue,
                        e.getMessage());
            }
            return null;
        }
        if (parsed.size() >= CACHE_MAX) {
            parsed.clear();
        }
        parsed.put(json, p);
        return p;
    }
}
