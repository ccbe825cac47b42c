package io.jrq.dashboard.internal;

import io.jrq.AttemptError;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import java.util.List;
import java.util.Map;

/**
 * One job: what it runs with, its result or error with the stack trace, every failed attempt,
 * progress (pushed while it runs), timeline, dependencies both ways, recurring origin, and the
 * actions its state allows.
 */
final class JobPage {
    private JobPage() {}

    static JobInfo find(Ctx ctx, String queue, String id) {
        QueuePage.known(ctx, queue);
        return ctx.admin()
                .job(queue, id)
                .orElseThrow(() -> HttpError.notFound("no job '" + Request.abbreviate(id) + "' in queue " + queue));
    }

    static String render(Ctx ctx, String queue, String id) {
        JobInfo j = find(ctx, queue, id);
        String base = "/queues/" + Request.enc(queue) + "/jobs/" + Request.enc(id);
        Html h = new Html();
        h.raw("<div class=\"toolbar\">")
                .el("span", Views.state(j.status()), "class", "status " + Views.state(j.status()), "data-j", "status");
        switch (j.status()) {
            case QUEUED, DEFERRED -> h.add(Layout.action(ctx, base + "/cancel", "Cancel", "Cancel this job?"));
            case SCHEDULED ->
                h.add(Layout.action(ctx, base + "/run-now", "Run now", null))
                        .add(Layout.action(ctx, base + "/cancel", "Cancel", "Cancel this job?"));
            case STARTED -> h.add(Layout.action(ctx, base + "/cancel", "Stop", "Stop this running job?"));
            case FAILED, CANCELED, STOPPED -> h.add(Layout.action(ctx, base + "/requeue", "Requeue", null));
            default -> {}
        }
        if (j.status() != JobStatus.STARTED) {
            h.add(Layout.action(ctx, base + "/delete", "Delete", "Delete this job for good?"));
        }
        h.raw("</div>");

        h.raw("<dl class=\"facts\">");
        fact(h, "id", j.id());
        h.raw("<dt>queue</dt><dd>").add(Layout.queueLink(ctx, j.queue())).raw("</dd>");
        fact(h, "function", j.function());
        if (!j.description().isEmpty()) {
            fact(h, "description", j.description());
        }
        j.recurring().ifPresent(r -> fact(h, "recurring job", r));
        fact(h, "attempts", Integer.toString(j.attempts()));
        for (Map.Entry<String, String> m : j.meta().entrySet()) {
            fact(h, "meta " + m.getKey(), m.getValue());
        }
        h.raw("</dl>");

        // a job that may still run keeps the section, which live updates fill once it reports progress
        if (!j.status().isTerminal() || j.progress().isPresent()) {
            h.raw("<section><h2>Progress</h2><div class=\"progress\">");
            int pct = j.progress().map(p -> p.percent()).orElse(0);
            h.open("progress", "max", "100", "value", Integer.toString(pct), "data-j", "progress.percent")
                    .close("progress");
            h.el("span", j.progress().map(p -> p.percent() + "%").orElse(""), "data-j", "progress.label")
                    .text(" ")
                    .el(
                            "span",
                            j.progress().map(p -> p.message()).orElse(""),
                            "data-j",
                            "progress.message",
                            "class",
                            "progress-text");
            h.raw("</div></section>");
        }

        h.raw("<section><h2>Timeline</h2><dl class=\"facts\">");
        timed(h, "enqueued", Format.time(j.enqueuedAt()), "enqueuedAt");
        timed(h, "due", Format.time(j.dueAt()), "dueAt");
        timed(h, "started", Format.time(j.startedAt()), "startedAt");
        timed(h, "ended", Format.time(j.endedAt()), "endedAt");
        timed(h, "worker", j.worker().orElse(""), "worker");
        h.raw("</dl></section>");

        h.raw("<section><h2>Arguments</h2>");
        if (j.status() == JobStatus.FINISHED
                && j.arguments().equals("[]")
                && j.description().isEmpty()
                && j.meta().isEmpty()) {
            // fetch.lua drops such a job's payload when it finishes, to keep ended jobs small
            h.el(
                    "p",
                    "Not kept: a job without description or meta keeps only its function once it finished.",
                    "class",
                    "note");
        } else {
            h.el("pre", pretty(j.arguments()), "class", "json");
        }
        h.raw("</section>");
        j.result()
                .ifPresent(r -> h.raw("<section><h2>Result</h2>")
                        .el("pre", pretty(r), "class", "json", "data-j", "result")
                        .raw("</section>"));
        j.error().ifPresent(e -> {
            h.raw("<section><h2>Error</h2>")
                    .el("p", e.type(), "class", "err-type")
                    .el("p", e.message(), "class", "err-msg");
            if (!e.stackTrace().isEmpty()) {
                h.el("pre", e.stackTrace(), "class", "stack");
            }
            h.raw("</section>");
        });
        if (!j.attemptErrors().isEmpty()) {
            h.raw(
                    "<section><h2>Failed attempts</h2><table><thead><tr><th class=\"num\">attempt</th><th>at</th><th>error</th></tr></thead><tbody>");
            for (AttemptError a : j.attemptErrors()) {
                h.raw("<tr>")
                        .el("td", a.attempt(), "class", "num")
                        .el("td", Format.time(a.at()))
                        .open("td")
                        .el("span", a.type(), "class", "err-type")
                        .text(" ")
                        .el("span", a.message(), "class", "err-msg")
                        .raw("</td></tr>");
            }
            h.raw("</tbody></table></section>");
        }
        deps(ctx, h, "Waits for", j.dependsOn());
        deps(ctx, h, "Waited for by", j.dependents());
        return Layout.page(ctx, "Job " + j.id(), "overview", "job:" + queue + "/" + id, h);
    }

    private static void deps(Ctx ctx, Html h, String title, List<String> refs) {
        if (refs.isEmpty()) {
            return;
        }
        h.raw("<section>").el("h2", title).raw("<ul class=\"deps\">");
        for (String ref : refs) {
            h.raw("<li>").add(Layout.jobRef(ctx, ref)).raw("</li>");
        }
        h.raw("</ul></section>");
    }

    private static void fact(Html h, String name, String value) {
        h.el("dt", name).el("dd", value);
    }

    private static void timed(Html h, String name, String value, String field) {
        h.el("dt", name).el("dd", value, "data-j", field);
    }

    static String pretty(String json) {
        try {
            return Json.DISPLAY.writerWithDefaultPrettyPrinter().writeValueAsString(Json.MAPPER.readTree(json));
        } catch (Exception e) {
            return json;
        }
    }
}
