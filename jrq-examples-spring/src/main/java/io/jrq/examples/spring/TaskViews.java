package io.jrq.examples.spring;

import io.jrq.Job;
import io.jrq.JobError;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Progress;
import java.util.LinkedHashMap;
import java.util.Map;

/** A task as the endpoints show it in JSON: maps in a fixed key order, nulls included. */
final class TaskViews {
    private TaskViews() {}

    /**
     * @param job the task
     * @return {@code id, status, progress, result, error}
     */
    static Map<String, Object> describe(Job<?> job) {
        // One read for status, progress and error, so that they belong to the same moment.
        JobInfo info = job.info();
        JobStatus status = info.status();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", job.id());
        o.put("status", status.name());
        o.put("progress", info.progress().map(TaskViews::progress).orElse(null));
        // The result decoded rather than the stored JSON text; a finished job stays finished.
        o.put("result", status == JobStatus.FINISHED ? job.result().orElse(null) : null);
        boolean failed = status == JobStatus.FAILED || status == JobStatus.STOPPED;
        o.put("error", failed ? info.error().map(JobError::message).orElse(null) : null);
        return o;
    }

    /**
     * @param p a progress update
     * @return {@code percent, message}
     */
    static Map<String, Object> progress(Progress p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("percent", p.percent());
        o.put("message", p.message());
        return o;
    }
}
