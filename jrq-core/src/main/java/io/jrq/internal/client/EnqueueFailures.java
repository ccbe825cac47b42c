package io.jrq.internal.client;

import io.jrq.EnqueueUnknownException;
import io.jrq.JobExistsException;
import io.jrq.JrqException;
import io.jrq.RedisFullException;
import io.jrq.RedisUnavailableException;
import io.jrq.internal.redis.Redis;
import io.jrq.internal.redis.RedisEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns the failure of an enqueue into what it means for the jobs: not stored (Redis refused the
 * call, or it was never sent), or unknown (it was sent and no answer came). The caller can act
 * only on that difference: enqueue again, or look the jobs up / enqueue them again with the same
 * ids (see docs/RELIABILITY.md, "What an enqueue error means").
 */
final class EnqueueFailures {
    private final RedisEndpoint endpoint;

    EnqueueFailures(RedisEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * @param e a failure of a command, translated or not
     * @return whether Redis answered it with an error: then the command did nothing (enqueue.lua
     *     checks everything before its first write, and Redis checks memory at the first write)
     */
    static boolean refused(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof JobExistsException || t instanceof RedisFullException) {
            return true;
        }
        for (; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (Redis.isErrorReply(t)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether {@code e} already says what happened to the jobs */
    static boolean classified(Throwable e) {
        Throwable t = unwrap(e);
        return t instanceof EnqueueUnknownException || refused(t);
    }

    /**
     * A failure before the jobs were sent (the connection was down, or the queue's registration
     * failed): nothing was stored.
     *
     * @param queue the queue
     * @param jobs the jobs
     * @param e the failure
     * @return the exception to throw
     */
    RuntimeException notSent(String queue, List<EncodedJob> jobs, Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof RedisFullException) {
            return full(queue, ids(jobs), List.of(), t);
        }
        String what = jobs(ids(jobs)) + " in queue " + queue + (jobs.size() == 1 ? " was" : " were")
                + " not stored (not sent)";
        if (t instanceof RedisUnavailableException) {
            return new RedisUnavailableException(t.getMessage() + "; " + what, t);
        }
        if (refused(t)) {
            return new JrqException(t.getMessage() + "; " + what, t);
        }
        // Anything else here is a failure of the registration's reply, which was sent: the jobs were not.
        return new RedisUnavailableException(
                "Redis at " + endpoint.describe() + ": " + t.getMessage() + "; " + what, t);
    }

    /**
     * The outcome of the enqueue script calls of one enqueue, some of which failed.
     *
     * @param queue the queue
     * @param batches the jobs of each script call
     * @param replies the pending replies, one per batch, all done
     * @return the exception to throw
     */
    RuntimeException failed(
            String queue, List<List<EncodedJob>> batches, List<? extends CompletableFuture<?>> replies) {
        List<String> stored = new ArrayList<>();
        List<String> refusedIds = new ArrayList<>();
        Throwable unknown = null;
        Throwable refusal = null;
        Throwable fullRefusal = null;
        for (int i = 0; i < batches.size(); i++) {
            CompletableFuture<?> reply = replies.get(i);
            if (!reply.isCompletedExceptionally()) {
                stored.addAll(ids(batches.get(i)));
                continue;
            }
            Throwable why = causeOf(reply);
            if (!refused(why)) {
                unknown = unknown == null ? why : unknown;
            } else {
                refusedIds.addAll(ids(batches.get(i)));
                refusal = refusal == null ? why : refusal;
                if (unwrap(why) instanceof RedisFullException && fullRefusal == null) {
                    fullRefusal = why;
                }
            }
        }
        List<String> all = new ArrayList<>();
        batches.forEach(b -> all.addAll(ids(b)));
        if (unknown != null) {
            return unknown(queue, batches, unknown);
        }
        if (fullRefusal != null) {
            return full(queue, refusedIds, stored, unwrap(fullRefusal));
        }
        Throwable r = unwrap(refusal);
        if (stored.isEmpty()) {
            if (r instanceof JobExistsException je) {
                return je;
            }
            return new JrqException(
                    r.getMessage() + "; " + jobs(all) + " in queue " + queue + (all.size() == 1 ? " was" : " were")
                            + " not stored",
                    r);
        }
        // A refusal of some batches and not others (a failover between them, say): rare enough that
        // saying "look them up" is better than a type for it.
        return new EnqueueUnknownException(
                stored.size() + " of the " + all.size() + " jobs enqueued on queue " + queue
                        + " were stored and the others refused (" + r.getMessage()
                        + "); each batch of 500 is stored whole or not at all:"
                        + " look the jobs up by id (Queue.job) and enqueue the missing ones again",
                queue,
                all,
                r);
    }

    /**
     * The jobs were sent, or may have been, and no answer came.
     *
     * @param queue the queue
     * @param batches the jobs, in batches
     * @param e the failure
     * @return the exception to throw
     */
    EnqueueUnknownException unknown(String queue, List<List<EncodedJob>> batches, Throwable e) {
        Throwable t = unwrap(e);
        List<EncodedJob> all = new ArrayList<>();
        batches.forEach(all::addAll);
        List<String> ids = ids(all);
        String why = t.getMessage() == null ? t.toString() : t.getMessage();
        String message;
        if (all.size() == 1) {
            String id = ids.get(0);
            message = "the enqueue of job " + id + " on queue " + queue + " has an unknown outcome (" + why
                    + "): it may have reached"
                    + " Redis, and then it is stored and runs. Look it up (Queue.job(\"" + id
                    + "\")), or enqueue the same call again with"
                    + " EnqueueOptions.builder().jobId(\"" + id + "\"), which returns the job if it was stored;"
                    + " enqueueing it under a new id may run it twice";
        } else {
            message = "the enqueue of " + all.size() + " jobs on queue " + queue + " (ids " + ids.get(0) + " ... "
                    + ids.get(ids.size() - 1) + ") has an unknown outcome (" + why + "): they may have"
                    + " reached Redis, and then they are stored and run, each batch of 500 whole or not at all. Look them up by id (Queue.job, the ids are in"
                    + " EnqueueUnknownException.jobIds()) and enqueue only the missing ones again";
        }
        return new EnqueueUnknownException(message, queue, ids, t);
    }

    /**
     * @param queue the queue
     * @param jobs the stored jobs whose dependencies could not all be registered
     * @param e the failure
     * @return the exception to throw: stored, but not in a state the caller can leave it in
     */
    EnqueueUnknownException dependenciesNotRegistered(String queue, List<String> jobs, Throwable e) {
        Throwable t = unwrap(e);
        String why = t.getMessage() == null ? t.toString() : t.getMessage();
        return new EnqueueUnknownException(
                jobs(jobs) + " of queue " + queue + (jobs.size() == 1 ? " is" : " are")
                        + " stored, DEFERRED, but the registration with the jobs "
                        + (jobs.size() == 1 ? "it waits" : "they wait")
                        + " for failed (" + why + "): until it is done " + (jobs.size() == 1 ? "it does" : "they do")
                        + " not run."
                        + " Enqueue the same call again with the same id (EnqueueOptions.builder().jobId(...)): that returns the"
                        + " stored job and completes the registration",
                queue,
                jobs,
                t);
    }

    private RedisFullException full(String queue, List<String> refusedIds, List<String> stored, Throwable cause) {
        String message = Redis.full(endpoint) + " refused to store " + jobs(refusedIds) + " in queue " + queue + "; "
                + (stored.isEmpty()
                        ? "nothing was stored"
                        : stored.size() + " other jobs of this enqueue were stored (earlier batches)")
                + ". Make room (delete ended jobs or unused queues, shorten result TTLs) or raise maxmemory, then enqueue again";
        return new RedisFullException(message, queue, refusedIds, stored, cause);
    }

    private static String jobs(List<String> ids) {
        return ids.size() == 1
                ? "job " + ids.get(0)
                : ids.size() + " jobs (" + ids.get(0) + " ... " + ids.get(ids.size() - 1) + ")";
    }

    private static List<String> ids(List<EncodedJob> jobs) {
        List<String> ids = new ArrayList<>(jobs.size());
        jobs.forEach(j -> ids.add(j.id()));
        return ids;
    }

    private static Throwable causeOf(CompletableFuture<?> failed) {
        try {
            failed.join();
            throw new IllegalStateException("not failed");
        } catch (CompletionException e) {
            return unwrap(e);
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
