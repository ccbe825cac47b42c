package io.jrq.dashboard.internal;

import io.jrq.JobStatus;
import io.jrq.MinuteCount;
import io.jrq.QueueInfo;
import io.jrq.QueueLimits;
import java.time.Duration;
import java.util.List;

/** The overview: every queue's counts, rates, oldest waiting job, workers, and the per-minute chart. */
final class OverviewPage {
    private OverviewPage() {}

    static String render(Ctx ctx) {
        Overview o = Overview.read(ctx.admin(), ctx.app().clock());
        Html h = new Html();
        h.raw("<section class=\"summary\">")
                .open("div", "class", "stat")
                .el("span", Format.count(o.queues().size()), "class", "n")
                .text(" queues")
                .close("div")
                .open("div", "class", "stat")
                .el("span", Format.count(o.workers().size()), "class", "n", "data-o", "workers")
                .text(" workers")
                .close("div")
                .open("div", "class", "stat")
                .el("span", Format.count(o.running()), "class", "n", "data-o", "busy")
                .text(" jobs running")
                .close("div")
                .raw("</section>");
        h.raw("<section><h2>Jobs ended per minute, last hour</h2>");
        h.add(chart(o.total()));
        h.raw("</section>");
        if (o.queues().isEmpty()) {
            h.el("p", "No queue has been used on this Redis yet.", "class", "empty");
            return Layout.page(ctx, "Overview", "overview", LiveFeed.OVERVIEW, h);
        }
        h.raw("<table class=\"queues\"><thead><tr><th>Queue</th>");
        for (JobStatus s : QueueInfo.COUNTED) {
            h.el("th", Views.state(s), "class", "num");
        }
        h.raw("<th class=\"num\">finished/s</th><th class=\"num\">failed/s</th><th class=\"num\">oldest waiting</th>")
                .raw("<th class=\"num\">workers</th><th>limits</th><th></th></tr></thead><tbody>");
        for (QueueStats q : o.queues()) {
            String name = q.info().name();
            h.open("tr", "data-queue", name);
            h.open("td").add(Layout.queueLink(ctx, name));
            if (q.info().partitions() > 1) {
                h.el("span", q.info().partitions() + " partitions", "class", "badge");
            }
            h.el(
                    "span",
                    "paused",
                    "class",
                    "badge warn" + (q.info().paused() ? "" : " hidden"),
                    "data-q",
                    name,
                    "data-f",
                    "paused");
            h.el(
                    "span",
                    "no worker",
                    "class",
                    "badge bad" + (q.noWorker() ? "" : " hidden"),
                    "data-q",
                    name,
                    "data-f",
                    "noWorker",
                    "title",
                    "jobs wait and no live worker serves this queue");
            h.close("td");
            for (JobStatus s : QueueInfo.COUNTED) {
                h.el(
                        "td",
                        Format.count(q.info().count(s)),
                        "class",
                        "num",
                        "data-q",
                        name,
                        "data-f",
                        "counts." + Views.state(s));
            }
            h.el(
                    "td",
                    Format.rate(q.finishedPerSecond()),
                    "class",
                    "num",
                    "data-q",
                    name,
                    "data-f",
                    "finishedPerSecond");
            h.el("td", Format.rate(q.failedPerSecond()), "class", "num", "data-q", name, "data-f", "failedPerSecond");
            Long age = q.oldestAgeMs();
            h.el(
                    "td",
                    age == null ? "" : Format.age(Duration.ofMillis(age)),
                    "class",
                    "num",
                    "data-q",
                    name,
                    "data-f",
                    "oldestQueuedAgeMs");
            h.el("td", q.workers(), "class", "num", "data-q", name, "data-f", "workers");
            h.el("td", limits(q.info().limits()));
            h.open("td", "class", "actions");
            h.add(
                    q.info().paused()
                            ? Layout.action(ctx, "/queues/" + Request.enc(name) + "/resume", "Resume", null)
                            : Layout.action(ctx, "/queues/" + Request.enc(name) + "/pause", "Pause", null));
            h.close("td").close("tr");
        }
        h.raw("</tbody></table>");
        return Layout.page(ctx, "Overview", "overview", LiveFeed.OVERVIEW, h);
    }

    static String limits(QueueLimits l) {
        StringBuilder s = new StringBuilder();
        if (l.concurrency() > 0) {
            s.append("at most ").append(l.concurrency()).append(" at once");
        }
        if (l.rate() > 0) {
            s.append(s.length() > 0 ? ", " : "")
                    .append(l.rate())
                    .append(" per ")
                    .append(Format.age(l.period()));
        }
        return s.toString();
    }

    /**
     * The chart as SVG, drawn here so that it shows without script; the page's script redraws it
     * from each pushed update the same way.
     */
    static Html chart(List<MinuteCount> minutes) {
        long max = 1;
        for (MinuteCount m : minutes) {
            max = Math.max(max, Math.max(m.finished(), m.failed()));
        }
        Html h = new Html();
        h.raw(
                        "<figure class=\"chart\"><svg id=\"chart\" viewBox=\"0 0 600 120\" preserveAspectRatio=\"none\" role=\"img\"")
                .raw(" aria-label=\"jobs finished and failed per minute\">");
        h.open("polyline", "class", "finished", "points", points(minutes, max, true))
                .close("polyline");
        h.open("polyline", "class", "failed", "points", points(minutes, max, false))
                .close("polyline");
        h.raw(
                        "</svg><figcaption><span class=\"key finished\">finished</span> <span class=\"key failed\">failed</span> ")
                .el("span", "peak " + Format.count(max) + "/min", "data-o", "peak")
                .raw("</figcaption></figure>");
        return h;
    }

    private static String points(List<MinuteCount> minutes, long max, boolean finished) {
        StringBuilder s = new StringBuilder();
        int n = Math.max(1, minutes.size() - 1);
        for (int i = 0; i < minutes.size(); i++) {
            long v = finished ? minutes.get(i).finished() : minutes.get(i).failed();
            s.append(i * 600 / n).append(',').append(115 - v * 110 / max).append(' ');
        }
        return s.toString().trim();
    }
}
