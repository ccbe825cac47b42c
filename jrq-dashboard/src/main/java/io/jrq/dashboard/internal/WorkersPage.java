package io.jrq.dashboard.internal;

import io.jrq.JobInfo;
import io.jrq.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Live workers, a page at a time; each shows at most {@link #JOBS_SHOWN} of its running jobs with
 * their elapsed time, so that thousands of running jobs cost a bounded number of reads per page.
 */
final class WorkersPage {
    static final int PAGE_SIZE = 25;
    static final int JOBS_SHOWN = 5;

    private WorkersPage() {}

    static String render(Ctx ctx) {
        List<WorkerInfo> all = ctx.admin().workers();
        int page = ctx.req().intParam("page", 1, 100_000);
        int from = Math.min(all.size(), (page - 1) * PAGE_SIZE);
        List<WorkerInfo> shown = all.subList(from, Math.min(all.size(), from + PAGE_SIZE));
        Instant now = ctx.app().clock().instant();
        Html h = new Html();
        if (all.isEmpty()) {
            h.el("p", "No live workers.", "class", "empty");
            return Layout.page(ctx, "Workers", "workers", null, h);
        }
        h.raw(
                        "<table class=\"workers\"><thead><tr><th>worker</th><th>host</th><th class=\"num\">pid</th><th>queues</th>")
                .raw(
                        "<th class=\"num\">busy / slots</th><th>last heartbeat</th><th>running jobs</th></tr></thead><tbody>");
        for (WorkerInfo w : shown) {
            h.raw("<tr>").el("td", w.name(), "class", "mono").el("td", w.host()).el("td", w.pid(), "class", "num");
            h.open("td");
            for (String q : w.queues()) {
                h.add(Layout.queueLink(ctx, q)).text(" ");
            }
            h.close("td");
            h.el("td", w.jobs().size() + " / " + w.concurrency(), "class", "num");
            h.el(
                    "td",
                    Format.age(Duration.between(w.heartbeatAt(), now)) + " ago",
                    "title",
                    Format.time(w.heartbeatAt()));
            h.raw("<td><ul class=\"running\">");
            for (String ref : w.jobs().subList(0, Math.min(JOBS_SHOWN, w.jobs().size()))) {
                h.raw("<li>").add(Layout.jobRef(ctx, ref));
                elapsed(ctx, ref, now).ifPresent(d -> h.text(" ").el("span", Format.age(d), "class", "elapsed"));
                h.raw("</li>");
            }
            if (w.jobs().size() > JOBS_SHOWN) {
                h.el("li", "and " + (w.jobs().size() - JOBS_SHOWN) + " more", "class", "note");
            }
            h.raw("</ul></td></tr>");
        }
        h.raw("</tbody></table>");
        h.add(Layout.pager(ctx, "/workers", page, from + PAGE_SIZE < all.size()));
        return Layout.page(ctx, "Workers", "workers", null, h);
    }

    private static Optional<Duration> elapsed(Ctx ctx, String ref, Instant now) {
        int slash = ref.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        try {
            Optional<JobInfo> j = ctx.admin().job(ref.substring(0, slash), ref.substring(slash + 1));
            return j.flatMap(JobInfo::startedAt).map(s -> Duration.between(s, now));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a valid queue name: shown, not read
        }
    }
}
