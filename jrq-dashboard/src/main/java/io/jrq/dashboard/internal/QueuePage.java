package io.jrq.dashboard.internal;

import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.QueueInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A queue: its jobs in one state, a page at a time, in listing order or reversed; find a job by id;
 * filter by function and meta value (scanning at most {@link #SCAN_LIMIT} jobs, so that a filter
 * over a million waiting jobs costs a bounded read); pause, resume, empty.
 */
final class QueuePage {
    static final int PAGE_SIZE = 50;
    static final int MAX_PAGE = 1_000_000;
    static final int SCAN_LIMIT = 10_000;

    /** A page of jobs and what the listing tells about it. */
    record Listing(List<JobInfo> jobs, boolean hasNext, long scanned) {}

    private QueuePage() {}

    static QueueInfo known(Ctx ctx, String queue) {
        if (!ctx.admin().queues().stream().anyMatch(q -> q.name().equals(queue))) {
            throw HttpError.notFound("no queue named '" + Request.abbreviate(queue) + "'");
        }
        return ctx.admin().queue(queue);
    }

    static JobStatus state(String s, JobStatus dflt) {
        if (s == null || s.isEmpty()) {
            return dflt;
        }
        try {
            JobStatus st = JobStatus.valueOf(s.toUpperCase(Locale.ROOT));
            if (!QueueInfo.COUNTED.contains(st)) {
                throw new IllegalArgumentException();
            }
            return st;
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(
                    "state must be one of queued, started, scheduled, deferred, finished, failed, canceled; got '"
                            + Request.abbreviate(s) + "'");
        }
    }

    /**
     * @param reversed true for the other end first (oldest ended first, last to run first)
     * @param fn a substring the function must hold, or empty
     * @param meta {@code key=value} the meta must hold, or empty
     */
    static Listing list(
            Ctx ctx, QueueInfo q, JobStatus state, int page, int size, boolean reversed, String fn, String meta) {
        long total = q.count(state);
        long offset = (long) (page - 1) * size;
        if (fn.isEmpty() && meta.isEmpty()) {
            if (offset >= total) {
                return new Listing(List.of(), false, 0);
            }
            long from = reversed ? Math.max(0, total - offset - size) : offset;
            int limit = (int) Math.min(size, reversed ? total - offset - from : size);
            List<JobInfo> jobs = new ArrayList<>(
                    ctx.admin().jobs(q.name(), state, (int) Math.min(Integer.MAX_VALUE, from), Math.max(1, limit)));
            if (reversed) {
                Collections.reverse(jobs);
            }
            return new Listing(jobs, offset + size < total, 0);
        }
        String[] kv = meta.isEmpty() ? null : meta.split("=", 2);
        if (kv != null && kv.length != 2) {
            throw HttpError.badRequest("meta filter must read key=value, got '" + Request.abbreviate(meta) + "'");
        }
        List<JobInfo> matches = new ArrayList<>();
        long scanned = 0;
        long skip = offset;
        boolean more = false;
        for (int from = 0; from < SCAN_LIMIT && from < total; from += 1000) {
            List<JobInfo> batch = ctx.admin().jobs(q.name(), state, from, 1000);
            scanned += batch.size();
            for (JobInfo j : batch) {
                if (!j.function().contains(fn)
                        || (kv != null && !kv[1].equals(j.meta().get(kv[0])))) {
                    continue;
                }
                if (skip > 0) {
                    skip--;
                } else if (matches.size() < size) {
                    matches.add(j);
                } else {
                    more = true;
                }
            }
            if (batch.size() < 1000) {
                break;
            }
        }
        return new Listing(matches, more, scanned);
    }

    static String render(Ctx ctx, String queue) throws java.io.IOException {
        Request r = ctx.req();
        String id = r.param("id");
        QueueInfo q = known(ctx, queue);
        if (id != null && !id.isBlank()) {
            if (ctx.admin().job(queue, id.trim()).isPresent()) {
                throw new Redirect(ctx.url("/queues/" + Request.enc(queue) + "/jobs/" + Request.enc(id.trim())));
            }
            throw HttpError.notFound("no job '" + Request.abbreviate(id.trim()) + "' in queue " + queue);
        }
        JobStatus state = state(r.param("state"), JobStatus.QUEUED);
        int page = r.intParam("page", 1, MAX_PAGE);
        boolean reversed = "reverse".equals(r.param("order"));
        String fn = param(r, "fn");
        String meta = param(r, "meta");
        Listing l = list(ctx, q, state, page, PAGE_SIZE, reversed, fn, meta);
        String base = "/queues/" + Request.enc(queue);

        Html h = new Html();
        h.raw("<div class=\"toolbar\">");
        if (q.partitions() > 1) {
            h.el("span", q.partitions() + " partitions", "class", "badge");
        }
        h.el(
                "span",
                "paused",
                "class",
                "badge warn" + (q.paused() ? "" : " hidden"),
                "data-q",
                queue,
                "data-f",
                "paused");
        h.add(
                q.paused()
                        ? Layout.action(ctx, base + "/resume", "Resume", null)
                        : Layout.action(ctx, base + "/pause", "Pause", null));
        h.add(Layout.action(ctx, base + "/empty", "Empty", "Delete every waiting job of " + queue + "?"));
        h.raw("</div><nav class=\"tabs\">");
        for (JobStatus s : QueueInfo.COUNTED) {
            h.open("a", "href", ctx.url(base + "?state=" + Views.state(s)), "class", s == state ? "active" : null)
                    .text(Views.state(s) + " ")
                    .el(
                            "span",
                            Format.count(q.count(s)),
                            "class",
                            "count",
                            "data-q",
                            queue,
                            "data-f",
                            "counts." + Views.state(s))
                    .close("a");
        }
        h.raw("</nav>");
        h.open("form", "method", "get", "action", ctx.url(base), "class", "filters")
                .hidden("state", Views.state(state))
                .open(
                        "input",
                        "type",
                        "search",
                        "name",
                        "id",
                        "placeholder",
                        "job id",
                        "aria-label",
                        "find by id",
                        "maxlength",
                        "200")
                .open(
                        "input",
                        "type",
                        "search",
                        "name",
                        "fn",
                        "value",
                        fn,
                        "placeholder",
                        "function or handler contains",
                        "aria-label",
                        "function filter",
                        "maxlength",
                        "200")
                .open(
                        "input",
                        "type",
                        "search",
                        "name",
                        "meta",
                        "value",
                        meta,
                        "placeholder",
                        "meta key=value",
                        "aria-label",
                        "meta filter",
                        "maxlength",
                        "200")
                .open("select", "name", "order", "aria-label", "order")
                .open("option", "value", "", "selected", reversed ? null : "")
                .text(order(state, false))
                .close("option")
                .open("option", "value", "reverse", "selected", reversed ? "" : null)
                .text(order(state, true))
                .close("option")
                .close("select")
                .raw("<button type=\"submit\">Show</button></form>");
        if (l.scanned() > 0 || !fn.isEmpty() || !meta.isEmpty()) {
            h.el(
                    "p",
                    "Filtered among the first " + Format.count(l.scanned()) + " of " + Format.count(q.count(state))
                            + " " + Views.state(state) + " jobs.",
                    "class",
                    "note");
        }
        h.add(table(ctx, l.jobs(), state));
        h.add(Layout.pager(
                ctx,
                base,
                page,
                l.hasNext(),
                "state",
                Views.state(state),
                "order",
                reversed ? "reverse" : "",
                "fn",
                fn,
                "meta",
                meta));
        return Layout.page(ctx, "Queue " + queue, "overview", LiveFeed.OVERVIEW, h);
    }

    private static String param(Request r, String name) {
        String v = r.param(name);
        if (v != null && v.length() > 200) {
            throw HttpError.badRequest(name + " is longer than 200 characters");
        }
        return v == null ? "" : v.trim();
    }

    private static String order(JobStatus s, boolean reversed) {
        return switch (s) {
            case QUEUED -> reversed ? "last to run first" : "next to run first";
            case STARTED, SCHEDULED, DEFERRED -> reversed ? "latest due first" : "soonest due first";
            default -> reversed ? "oldest first" : "newest first";
        };
    }

    static Html table(Ctx ctx, List<JobInfo> jobs, JobStatus state) {
        Html h = new Html();
        if (jobs.isEmpty()) {
            return h.el("p", "No " + Views.state(state) + " jobs here.", "class", "empty");
        }
        h.raw("<table class=\"jobs\"><thead><tr><th>id</th><th>function</th><th>enqueued</th>");
        h.el(
                "th",
                switch (state) {
                    case SCHEDULED -> "due";
                    case STARTED -> "started";
                    case QUEUED, DEFERRED -> "";
                    default -> "ended";
                });
        h.raw("<th class=\"num\">attempts</th><th>error / progress</th><th>meta</th></tr></thead><tbody>");
        for (JobInfo j : jobs) {
            h.open("tr").open("td").add(Layout.jobLink(ctx, j.queue(), j.id())).close("td");
            h.open("td").el("span", j.function(), "class", "mono");
            if (!j.description().isEmpty()) {
                h.el("div", j.description(), "class", "desc");
            }
            h.close("td");
            h.el("td", Format.time(j.enqueuedAt()));
            h.el(
                    "td",
                    switch (state) {
                        case SCHEDULED -> Format.time(j.dueAt());
                        case STARTED -> Format.time(j.startedAt());
                        case QUEUED, DEFERRED -> "";
                        default -> Format.time(j.endedAt());
                    });
            h.el("td", j.attempts(), "class", "num");
            h.open("td");
            j.error()
                    .ifPresent(e -> h.el("span", e.type(), "class", "err-type")
                            .text(" ")
                            .el("span", Request.abbreviate(e.message()), "class", "err-msg"));
            j.progress().ifPresent(p -> h.el("span", p.percent() + "% " + p.message(), "class", "progress-text"));
            h.close("td");
            h.open("td");
            for (Map.Entry<String, String> m : j.meta().entrySet()) {
                h.el("span", m.getKey() + "=" + m.getValue(), "class", "meta");
            }
            h.close("td").close("tr");
        }
        return h.raw("</tbody></table>");
    }
}
