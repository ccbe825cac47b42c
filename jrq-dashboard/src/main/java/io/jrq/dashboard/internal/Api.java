package io.jrq.dashboard.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.QueueInfo;
import io.jrq.WorkerInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON API under {@code /api}: the data of every page and every action (docs/DASHBOARD.md). */
final class Api {
    static final int MAX_PAGE_SIZE = 200;

    private Api() {}

    static Response get(Ctx ctx, List<String> s) {
        Request r = ctx.req();
        if (s.equals(List.of("overview"))) {
            return ok(Overview.read(ctx.admin(), ctx.app().clock()).toJson());
        }
        if (s.equals(List.of("queues"))) {
            Overview o = Overview.read(ctx.admin(), ctx.app().clock());
            List<Map<String, Object>> out = new ArrayList<>();
            o.queues().forEach(q -> out.add(Views.queue(q)));
            return ok(out);
        }
        if (s.size() == 2 && s.get(0).equals("queues")) {
            QueuePage.known(ctx, s.get(1));
            QueueStats q = Overview.read(ctx.admin(), ctx.app().clock()).queue(s.get(1));
            if (q == null) {
                throw HttpError.notFound("no queue named '" + Request.abbreviate(s.get(1)) + "'");
            }
            return ok(Views.queue(q));
        }
        if (s.size() == 3 && s.get(0).equals("queues") && s.get(2).equals("jobs")) {
            QueueInfo q = QueuePage.known(ctx, s.get(1));
            JobStatus state = QueuePage.state(r.param("state"), JobStatus.QUEUED);
            int page = r.intParam("page", 1, QueuePage.MAX_PAGE);
            int size = r.intParam("size", QueuePage.PAGE_SIZE, MAX_PAGE_SIZE);
            String fn = text(r, "fn");
            String meta = text(r, "meta");
            QueuePage.Listing l =
                    QueuePage.list(ctx, q, state, page, size, "reverse".equals(r.param("order")), fn, meta);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("queue", q.name());
            m.put("state", Views.state(state));
            m.put("page", page);
            m.put("size", size);
            m.put("total", q.count(state));
            m.put("hasNext", l.hasNext());
            if (!fn.isEmpty() || !meta.isEmpty()) {
                m.put("scanned", l.scanned());
            }
            List<Map<String, Object>> jobs = new ArrayList<>();
            l.jobs().forEach(j -> jobs.add(Views.job(j)));
            m.put("jobs", jobs);
            return ok(m);
        }
        if (s.size() == 3 && s.get(0).equals("queues") && s.get(2).equals("history")) {
            QueuePage.known(ctx, s.get(1));
            int minutes = r.intParam("minutes", 60, io.jrq.Admin.HISTORY_MINUTES);
            return ok(Views.history(ctx.admin().history(s.get(1), minutes)));
        }
        if (s.size() == 2 && s.get(0).equals("jobs")) {
            return ok(Views.job(job(ctx, s.get(1))));
        }
        if (s.equals(List.of("workers"))) {
            List<WorkerInfo> all = ctx.admin().workers();
            int page = r.intParam("page", 1, 100_000);
            int size = r.intParam("size", 100, MAX_PAGE_SIZE);
            int from = (int) Math.min(all.size(), (long) (page - 1) * size);
            List<Map<String, Object>> ws = new ArrayList<>();
            all.subList(from, Math.min(all.size(), from + size)).forEach(w -> ws.add(Views.worker(w)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("page", page);
            m.put("size", size);
            m.put("total", all.size());
            m.put("workers", ws);
            return ok(m);
        }
        if (s.equals(List.of("recurring"))) {
            List<Map<String, Object>> out = new ArrayList<>();
            ctx.app().jrq().recurring().list().forEach(x -> out.add(Views.recurring(x)));
            return ok(out);
        }
        throw HttpError.notFound("no such API resource: /api/" + Request.abbreviate(String.join("/", s)));
    }

    static Response post(Ctx ctx, List<String> s) throws IOException {
        JsonNode body = ctx.req().json();
        if (!body.isObject()) {
            throw HttpError.badRequest("the body must be a JSON object");
        }
        String message;
        if (s.size() == 3 && s.get(0).equals("jobs")) {
            JobInfo j = job(ctx, s.get(1));
            message = switch (s.get(2)) {
                case "requeue" -> Actions.requeue(ctx, j.queue(), j.id());
                case "delete" -> Actions.delete(ctx, j.queue(), j.id());
                case "cancel" -> Actions.cancel(ctx, j.queue(), j.id());
                case "run-now" -> Actions.runNow(ctx, j.queue(), j.id());
                default -> throw HttpError.notFound("no such job action: " + Request.abbreviate(s.get(2)));
            };
        } else if (s.size() == 3 && s.get(0).equals("queues")) {
            message = switch (s.get(2)) {
                case "pause" -> Actions.pause(ctx, s.get(1));
                case "resume" -> Actions.resume(ctx, s.get(1));
                case "empty" -> Actions.empty(ctx, s.get(1));
                default -> throw HttpError.notFound("no such queue action: " + Request.abbreviate(s.get(2)));
            };
        } else if (s.size() == 4 && s.get(0).equals("queues") && s.get(2).equals("failed")) {
            boolean all = body.path("all").asBoolean(false);
            List<String> ids = ids(body);
            if (all == !ids.isEmpty()) {
                throw HttpError.badRequest("give either \"ids\": [...] or \"all\": true");
            }
            message = switch (s.get(3)) {
                case "requeue" -> Actions.requeueFailed(ctx, s.get(1), all, ids);
                case "delete" -> Actions.deleteFailed(ctx, s.get(1), all, ids);
                default -> throw HttpError.notFound("no such action on failed jobs: " + Request.abbreviate(s.get(3)));
            };
        } else if (s.size() == 4 && s.get(0).equals("recurring")) {
            message = switch (s.get(3)) {
                case "run" -> Actions.runRecurring(ctx, s.get(1), s.get(2));
                case "delete" -> Actions.deleteRecurring(ctx, s.get(1), s.get(2));
                default -> throw HttpError.notFound("no such recurring action: " + Request.abbreviate(s.get(3)));
            };
        } else {
            throw HttpError.notFound("no such API action: /api/" + Request.abbreviate(String.join("/", s)));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        m.put("message", message);
        return ok(m);
    }

    private static JobInfo job(Ctx ctx, String id) {
        if (id.length() > 200) {
            throw HttpError.badRequest("a job id has at most 200 characters");
        }
        String queue = ctx.req().param("queue");
        if (queue != null && !queue.isEmpty()) {
            return JobPage.find(ctx, queue, id);
        }
        return ctx.admin()
                .findJob(id)
                .orElseThrow(() -> HttpError.notFound("no job '" + Request.abbreviate(id) + "' in any queue"));
    }

    private static List<String> ids(JsonNode body) {
        JsonNode ids = body.get("ids");
        if (ids == null || ids.isNull()) {
            return List.of();
        }
        if (!ids.isArray()) {
            throw HttpError.badRequest("\"ids\" must be an array of job ids");
        }
        if (ids.size() > Actions.MAX_IDS) {
            throw HttpError.badRequest("at most " + Actions.MAX_IDS + " jobs per request, got " + ids.size());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : ids) {
            if (!n.isTextual()) {
                throw HttpError.badRequest("\"ids\" must hold strings, got " + Request.abbreviate(n.toString()));
            }
            out.add(n.asText());
        }
        return out;
    }

    private static String text(Request r, String name) {
        String v = r.param(name);
        if (v != null && v.length() > 200) {
            throw HttpError.badRequest(name + " is longer than 200 characters");
        }
        return v == null ? "" : v.trim();
    }

    private static Response ok(Object body) {
        return Response.json(200, body);
    }
}
