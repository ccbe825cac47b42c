package io.jrq.dashboard.internal;

import java.io.IOException;
import java.util.List;

/**
 * Routes a page's form POST to its action, then sends the browser back (303) to a page chosen
 * here from the form's {@code return} field, never to a location taken from the request.
 */
final class Forms {
    private Forms() {}

    static Response post(Ctx ctx, List<String> s) throws IOException {
        String message;
        String back;
        if (s.size() == 3 && s.get(0).equals("queues")) {
            String q = s.get(1);
            message = switch (s.get(2)) {
                case "pause" -> Actions.pause(ctx, q);
                case "resume" -> Actions.resume(ctx, q);
                case "empty" -> Actions.empty(ctx, q);
                default -> throw HttpError.notFound("no such queue action");
            };
            back = "overview".equals(ctx.req().formValue("return")) ? "/" : "/queues/" + Request.enc(q);
        } else if (s.size() == 4 && s.get(0).equals("queues") && s.get(2).equals("failed")) {
            String q = s.get(1);
            boolean all = "true".equals(ctx.req().formValue("all"));
            List<String> ids = ctx.req().formValues("ids");
            message = switch (s.get(3)) {
                case "requeue" -> Actions.requeueFailed(ctx, q, all, ids);
                case "delete" -> Actions.deleteFailed(ctx, q, all, ids);
                default -> throw HttpError.notFound("no such action on failed jobs");
            };
            back = "/failed?queue=" + Request.enc(q);
        } else if (s.size() == 5 && s.get(0).equals("queues") && s.get(2).equals("jobs")) {
            String q = s.get(1);
            String id = s.get(3);
            String jobPage = "/queues/" + Request.enc(q) + "/jobs/" + Request.enc(id);
            back = jobPage;
            message = switch (s.get(4)) {
                case "requeue" -> Actions.requeue(ctx, q, id);
                case "cancel" -> Actions.cancel(ctx, q, id);
                case "run-now" -> Actions.runNow(ctx, q, id);
                case "delete" -> {
                    back = "/queues/" + Request.enc(q);
                    yield Actions.delete(ctx, q, id);
                }
                default -> throw HttpError.notFound("no such job action");
            };
        } else if (s.size() == 4 && s.get(0).equals("recurring")) {
            message = switch (s.get(3)) {
                case "run" -> Actions.runRecurring(ctx, s.get(1), s.get(2));
                case "delete" -> Actions.deleteRecurring(ctx, s.get(1), s.get(2));
                default -> throw HttpError.notFound("no such recurring action");
            };
            back = "/recurring";
        } else {
            throw HttpError.notFound("no such action");
        }
        return Response.redirect(ctx.url(back) + (back.contains("?") ? "&" : "?") + "done=" + Request.enc(message));
    }
}
