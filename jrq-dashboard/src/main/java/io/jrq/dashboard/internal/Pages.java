package io.jrq.dashboard.internal;

import java.util.List;

/** Routes a GET to its page. */
final class Pages {
    private Pages() {}

    static String get(Ctx ctx, List<String> s) {
        if (s.isEmpty()) {
            return OverviewPage.render(ctx);
        }
        switch (s.get(0)) {
            case "queues":
                if (s.size() == 2) {
                    try {
                        return QueuePage.render(ctx, s.get(1));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                if (s.size() == 4 && s.get(2).equals("jobs")) {
                    return JobPage.render(ctx, s.get(1), s.get(3));
                }
                break;
            case "jobs":
                if (s.size() == 1) {
                    String id = ctx.req().param("id");
                    if (id == null || id.isBlank()) {
                        throw HttpError.badRequest("give the id of the job to find: /jobs?id=...");
                    }
                    if (id.length() > 200) {
                        throw HttpError.badRequest("a job id has at most 200 characters");
                    }
                    var j = ctx.admin()
                            .findJob(id.trim())
                            .orElseThrow(() ->
                                    HttpError.notFound("no job '" + Request.abbreviate(id.trim()) + "' in any queue"));
                    throw new Redirect(ctx.url("/queues/" + Request.enc(j.queue()) + "/jobs/" + Request.enc(j.id())));
                }
                break;
            case "failed":
                if (s.size() == 1) {
                    return FailedPage.render(ctx);
                }
                break;
            case "scheduled":
                if (s.size() == 1) {
                    return SchedulePages.scheduled(ctx);
                }
                break;
            case "recurring":
                if (s.size() == 1) {
                    return SchedulePages.recurring(ctx);
                }
                break;
            case "workers":
                if (s.size() == 1) {
                    return WorkersPage.render(ctx);
                }
                break;
            default:
                break;
        }
        throw HttpError.notFound("no such page");
    }
}
