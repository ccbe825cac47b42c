package io.jrq.dashboard.internal;

import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.QueueInfo;
import io.jrq.RecurringInfo;
import java.util.List;

/** Scheduled jobs (due times on the Redis clock) and recurring jobs (next ticks, misfire policy). */
final class SchedulePages {
    private SchedulePages() {}

    static String scheduled(Ctx ctx) {
        List<QueueInfo> queues = ctx.admin().queues();
        String queue = ctx.req().param("queue");
        if (queue == null || queue.isEmpty()) {
            queue = queues.stream()
                    .filter(q -> q.count(JobStatus.SCHEDULED) > 0)
                    .map(QueueInfo::name)
                    .findFirst()
                    .orElse(queues.isEmpty() ? null : queues.get(0).name());
        }
        Html h = new Html();
        if (queue == null) {
            return Layout.page(
                    ctx,
                    "Scheduled",
                    "scheduled",
                    null,
                    h.el("p", "No queue has been used on this Redis yet.", "class", "empty"));
        }
        QueueInfo q = QueuePage.known(ctx, queue);
        h.raw("<nav class=\"tabs\">");
        for (QueueInfo other : queues) {
            h.open(
                            "a",
                            "href",
                            ctx.url("/scheduled?queue=" + Request.enc(other.name())),
                            "class",
                            other.name().equals(queue) ? "active" : null)
                    .text(other.name() + " ")
                    .el("span", Format.count(other.count(JobStatus.SCHEDULED)), "class", "count")
                    .close("a");
        }
        h.raw("</nav>");
        int page = ctx.req().intParam("page", 1, QueuePage.MAX_PAGE);
        QueuePage.Listing l = QueuePage.list(ctx, q, JobStatus.SCHEDULED, page, QueuePage.PAGE_SIZE, false, "", "");
        if (l.jobs().isEmpty()) {
            h.el("p", "No scheduled jobs in " + queue + ".", "class", "empty");
        } else {
            h.raw(
                            "<table class=\"jobs\"><thead><tr><th>id</th><th>function</th><th>due (Redis clock)</th><th class=\"num\">attempts</th>")
                    .raw("<th>last error</th><th></th></tr></thead><tbody>");
            for (JobInfo j : l.jobs()) {
                String base = "/queues/" + Request.enc(j.queue()) + "/jobs/" + Request.enc(j.id());
                h.raw("<tr><td>").add(Layout.jobLink(ctx, j.queue(), j.id())).raw("</td>");
                h.open("td").el("span", j.function(), "class", "mono").close("td");
                h.el("td", Format.time(j.dueAt())).el("td", j.attempts(), "class", "num");
                h.open("td");
                j.error().ifPresent(e -> h.el("span", e.type(), "class", "err-type"));
                h.close("td")
                        .open("td", "class", "actions")
                        .add(Layout.action(ctx, base + "/run-now", "Run now", null))
                        .add(Layout.action(ctx, base + "/delete", "Delete", "Delete this scheduled job?"))
                        .raw("</td></tr>");
            }
            h.raw("</tbody></table>");
        }
        h.add(Layout.pager(ctx, "/scheduled", page, l.hasNext(), "queue", queue));
        return Layout.page(ctx, "Scheduled", "scheduled", null, h);
    }

    static String recurring(Ctx ctx) {
        List<RecurringInfo> all = ctx.app().jrq().recurring().list();
        Html h = new Html();
        if (all.isEmpty()) {
            return Layout.page(ctx, "Recurring", "recurring", null, h.el("p", "No recurring jobs.", "class", "empty"));
        }
        h.raw("<table class=\"jobs\"><thead><tr><th>name</th><th>queue</th><th>function</th><th>schedule</th>")
                .raw("<th>next tick (Redis clock)</th><th>misfire</th><th></th></tr></thead><tbody>");
        for (RecurringInfo r : all) {
            String base = "/recurring/" + Request.enc(r.queue()) + "/" + Request.enc(r.name());
            h.raw("<tr>")
                    .el("td", r.name())
                    .open("td")
                    .add(Layout.queueLink(ctx, r.queue()))
                    .close("td");
            h.open("td").el("span", r.function(), "class", "mono").close("td");
            h.el(
                    "td",
                    r.cron()
                            .map(c -> c + " (" + r.zone().getId() + ")")
                            .orElse(r.interval()
                                    .map(d -> "every " + Format.age(d))
                                    .orElse("")));
            h.el("td", Format.time(r.nextDue())).el("td", r.misfire().name().toLowerCase(java.util.Locale.ROOT));
            h.open("td", "class", "actions")
                    .add(Layout.action(ctx, base + "/run", "Run now", null))
                    .add(Layout.action(ctx, base + "/delete", "Delete", "Delete the recurring job " + r.name() + "?"))
                    .raw("</td></tr>");
        }
        h.raw("</tbody></table>");
        return Layout.page(ctx, "Recurring", "recurring", null, h);
    }
}
