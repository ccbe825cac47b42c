package io.jrq;

/**
 * A job registered by name, for producers that do not share Java types with the worker (other
 * languages, the CLI): {@code worker.handler("send-email", ctx -> mailer.send(ctx.arg(0, Mail.class)))}.
 * Whatever it returns is stored as the job's result (as JSON); whatever it throws fails the job.
 */
@FunctionalInterface
public interface Handler {
    /**
     * @param ctx the job, with its arguments
     * @return the result, written as JSON; null for none
     * @throws Exception to fail the job
     */
    Object handle(JobContext ctx) throws Exception;
}
