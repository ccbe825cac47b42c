package io.jrq.dashboard.internal;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.JrqException;
import java.util.List;
import java.util.Optional;

/**
 * Every change the dashboard can make, shared by the pages' forms and the JSON API. Each returns a
 * sentence saying what happened; a request that cannot apply (unknown job, wrong state) is a 4xx
 * with the reason, and changes nothing.
 */
final class Actions {
    /** Most ids one request may name. */
    static final int MAX_IDS = 1000;

    private Actions() {}

    static String pause(Ctx ctx, String queue) {
        QueuePage.known(ctx, queue);
        ctx.admin().pause(queue);
        return "Paused " + queue + ".";
    }

    static String resume(Ctx ctx, String queue) {
        QueuePage.known(ctx, queue);
        ctx.admin().resume(queue);
        return "Resumed " + queue + ".";
    }

    static String empty(Ctx ctx, String queue) {
        QueuePage.known(ctx, queue);
        return "Deleted " + Format.count(ctx.admin().empty(queue)) + " waiting jobs of " + queue + ".";
    }

    static String requeue(Ctx ctx, String queue, String id) {
        var j = JobPage.find(ctx, queue, id);
        if (j.status() != JobStatus.FAILED && j.status() != JobStatus.CANCELED && j.status() != JobStatus.STOPPED) {
            throw new HttpError(
                    409,
                    "job " + id + " is " + Views.state(j.status())
                            + "; only failed, canceled or stopped jobs can be requeued");
        }
        long n = ctx.admin().requeue(queue, List.of(id));
        if (n == 0) {
            throw new HttpError(409, "job " + id + " changed state meanwhile and was not requeued");
        }
        return "Requeued job " + id + ".";
    }

    static String delete(Ctx ctx, String queue, String id) {
        JobPage.find(ctx, queue, id);
        try {
            ctx.admin().delete(queue, List.of(id));
        } catch (JrqException e) {
            throw new HttpError(409, "job " + id + " is running; stop it first");
        }
        return "Deleted job " + id + ".";
    }

    static String cancel(Ctx ctx, String queue, String id) {
        JobPage.find(ctx, queue, id);
        Optional<Job<Object>> job = ctx.app().jrq().queue(queue).job(id);
        if (job.isEmpty()) {
            throw HttpError.notFound("no job '" + Request.abbreviate(id) + "' in queue " + queue);
        }
        JobStatus after = job.get().cancel();
        return switch (after) {
            case CANCELED -> "Canceled job " + id + ".";
            case STARTED -> "Stopping job " + id + ": its worker interrupts it.";
            default -> throw new HttpError(409, "job " + id + " had already ended " + Views.state(after));
        };
    }

    static String runNow(Ctx ctx, String queue, String id) {
        JobPage.find(ctx, queue, id);
        if (!ctx.admin().runNow(queue, id)) {
            throw new HttpError(409, "job " + id + " is not scheduled");
        }
        return "Job " + id + " runs next.";
    }

    static String requeueFailed(Ctx ctx, String queue, boolean all, List<String> ids) {
        QueuePage.known(ctx, queue);
        if (all) {
            return "Requeued " + Format.count(ctx.admin().requeueAllFailed(queue)) + " failed jobs of " + queue + ".";
        }
        return "Requeued " + Format.count(ctx.admin().requeue(queue, checked(ids))) + " jobs.";
    }

    static String deleteFailed(Ctx ctx, String queue, boolean all, List<String> ids) {
        QueuePage.known(ctx, queue);
        if (all) {
            return "Deleted " + Format.count(ctx.admin().deleteAllFailed(queue)) + " failed jobs of " + queue + ".";
        }
        try {
            return "Deleted " + Format.count(ctx.admin().delete(queue, checked(ids))) + " jobs.";
        } catch (JrqException e) {
            throw new HttpError(409, e.getMessage());
        }
    }

    static String runRecurring(Ctx ctx, String queue, String name) {
        QueuePage.known(ctx, queue);
        String run = ctx.app()
                .jrq()
                .recurring()
                .trigger(queue, name)
                .orElseThrow(() ->
                        HttpError.notFound("no recurring job '" + Request.abbreviate(name) + "' in queue " + queue));
        return "Enqueued job " + run + " of recurring job " + name + ".";
    }

    static String deleteRecurring(Ctx ctx, String queue, String name) {
        QueuePage.known(ctx, queue);
        if (!ctx.app().jrq().recurring().delete(queue, name)) {
            throw HttpError.notFound("no recurring job '" + Request.abbreviate(name) + "' in queue " + queue);
        }
        return "Deleted recurring job " + name + ".";
    }

    private static List<String> checked(List<String> ids) {
        if (ids.isEmpty()) {
            throw HttpError.badRequest("select at least one job");
        }
        if (ids.size() > MAX_IDS) {
            throw HttpError.badRequest("at most " + MAX_IDS + " jobs per request, got " + ids.size());
        }
        for (String id : ids) {
            if (id.isEmpty() || id.length() > 200) {
                throw HttpError.badRequest("a job id must have 1 to 200 characters");
            }
        }
        return ids;
    }
}
