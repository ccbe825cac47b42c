package io.jrq.dashboard.internal;

import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.QueueInfo;
import java.util.List;

/** Failed jobs of one queue with their error, to requeue or delete, selected or all. */
final class FailedPage {
    private FailedPage() {}

    static String render(Ctx ctx) {
        List<QueueInfo> queues = ctx.admin().queues();
        String queue = ctx.req().param("queue");
        if (queue == null || queue.isEmpty()) {
            queue = queues.stream()
                    .filter(q -> q.count(JobStatus.FAILED) > 0)
                    .map(QueueInfo::name)
                    .findFirst()
                    .orElse(queues.isEmpty() ? null : queues.get(0).name());
        }
        Html h = new Html();
        if (queue == null) {
            return Layout.page(
                    ctx,
                    "Failed",
                    "failed",
                    null,
                    h.el("p", "No queue has been used on this Redis yet.", "class", "empty"));
        }
        QueueInfo q = QueuePage.known(ctx, queue);
        h.raw("<nav class=\"tabs\">");
        for (QueueInfo other : queues) {
            h.open(
                            "a",
                            "href",
                            ctx.url("/failed?queue=" + Request.enc(other.name())),
                            "class",
                            other.name().equals(queue) ? "active" : null)
                    .text(other.name() + " ")
                    .el("span", Format.count(other.count(JobStatus.FAILED)), "class", "count")
                    .close("a");
        }
        h.raw("</nav>");
        int page = ctx.req().intParam("page", 1, QueuePage.MAX_PAGE);
        QueuePage.Listing l = QueuePage.list(ctx, q, JobStatus.FAILED, page, QueuePage.PAGE_SIZE, false, "", "");
        String base = "/queues/" + Request.enc(queue) + "/failed";
        if (l.jobs().isEmpty()) {
            h.el("p", "No failed jobs in " + queue + ".", "class", "empty");
            return Layout.page(ctx, "Failed", "failed", null, h);
        }
        h.raw("<div class=\"toolbar\">")
                .add(Layout.action(
                        ctx,
                        base + "/requeue",
                        "Requeue all " + Format.count(q.count(JobStatus.FAILED)),
                        null,
                        "all",
                        "true"))
                .add(Layout.action(
                        ctx,
                        base + "/delete",
                        "Delete all",
                        "Delete every failed job of " + queue + "?",
                        "all",
                        "true"))
                .raw("</div>");
        if (!ctx.readOnly()) {
            h.open("form", "method", "post", "action", ctx.url(base + "/requeue"), "id", "selection");
            h.hidden("_csrf", ctx.csrf() == null ? "" : ctx.csrf());
        }
        h.raw("<table class=\"jobs\"><thead><tr>");
        h.raw(
                ctx.readOnly()
                        ? "<th></th>"
                        : "<th><input type=\"checkbox\" data-select-all aria-label=\"select all\"></th>");
        h.raw(
                "<th>id</th><th>function</th><th>ended</th><th class=\"num\">attempts</th><th>error</th></tr></thead><tbody>");
        for (JobInfo j : l.jobs()) {
            h.raw("<tr><td>");
            if (!ctx.readOnly()) {
                h.open("input", "type", "checkbox", "name", "ids", "value", j.id(), "aria-label", "select " + j.id());
            }
            h.raw("</td><td>").add(Layout.jobLink(ctx, j.queue(), j.id())).raw("</td>");
            h.open("td").el("span", j.function(), "class", "mono").close("td");
            h.el("td", Format.time(j.endedAt())).el("td", j.attempts(), "class", "num");
            h.open("td");
            j.error()
                    .ifPresent(e -> h.el("span", e.type(), "class", "err-type")
                            .text(" ")
                            .el("span", Request.abbreviate(e.message()), "class", "err-msg"));
            h.raw("</td></tr>");
        }
        h.raw("</tbody></table>");
        if (!ctx.readOnly()) {
            h.raw("<div class=\"toolbar\"><button type=\"submit\">Requeue selected</button>")
                    .open("button", "type", "submit", "class", "danger", "formaction", ctx.url(base + "/delete"))
                    .text("Delete selected")
                    .close("button")
                    .raw("</div>");
            h.close("form");
        }
        h.add(Layout.pager(ctx, "/failed", page, l.hasNext(), "queue", queue));
        return Layout.page(ctx, "Failed", "failed", null, h);
    }
}
