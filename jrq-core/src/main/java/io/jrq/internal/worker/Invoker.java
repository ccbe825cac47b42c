package io.jrq.internal.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.Handler;
import io.jrq.InstanceResolver;
import io.jrq.InvalidPayloadException;
import io.jrq.JobNotAllowedException;
import io.jrq.JobTimeoutException;
import io.jrq.NonRetryableException;
import io.jrq.internal.codec.Args;
import io.jrq.internal.codec.Envelope;
import io.jrq.internal.codec.Json;
import io.jrq.internal.codec.RetrySpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Runs one leased job: parses its payload, decides whether this worker may run its function, finds
 * the handler or method, decodes the arguments, calls it and encodes the outcome.
 *
 * <p>The allow check works on the class <em>name</em> in the payload and happens before any class
 * is loaded, so a payload naming {@code java.lang.Runtime} or a deserialization gadget never
 * triggers class loading or static initialisers.
 */
public final class Invoker {
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final Pattern METHOD_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final int MAX_STACK_CHARS = 16_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Invoker.class);

    private final List<String> allowedPackages;
    private final boolean allowAll;
    private final Map<String, Handler> handlers;
    private final Map<String, RetrySpec> handlerRetry;
    private final RetrySpec defaultRetry;
    private final InstanceResolver resolver;
    private final ClassLoader loader;
    private final Map<String, Method> methods = new ConcurrentHashMap<>();

    /**
     * @param allowedPackages packages (and their subpackages) whose methods may run
     * @param allowAll true only for inline mode, where the caller runs its own code
     * @param handlers registered handlers by name
     * @param handlerRetry retry policies registered with handlers
     * @param defaultRetry the policy of jobs that name none
     * @param resolver provides instances for instance methods
     * @param loader where allowed classes are loaded from
     */
    public Invoker(
            List<String> allowedPackages,
            boolean allowAll,
            Map<String, Handler> handlers,
            Map<String, RetrySpec> handlerRetry,
            RetrySpec defaultRetry,
            InstanceResolver resolver,
            ClassLoader loader) {
        this.allowedPackages = List.copyOf(allowedPackages);
        this.allowAll = allowAll;
        this.handlers = Map.copyOf(handlers);
        this.handlerRetry = Map.copyOf(handlerRetry);
        this.defaultRetry = defaultRetry;
        this.resolver = resolver;
        this.loader = loader;
    }

    /**
     * Runs the job on the calling thread with its context set.
     *
     * @param job the leased job
     * @param started called once the payload is parsed, before the job's code runs
     * @return how it ended; never throws for the job's own failures
     */
    public Outcome run(LeasedJob job, Runnable started) {
        CurrentJob.set(job);
        try {
            Envelope env = Envelope.parse(job.payload());
            job.envelope(env);
            started.run();
            Object result = invoke(env, job);
            return new Outcome(Outcome.Kind.FINISHED, Json.mapper().writeValueAsString(result), 0);
        } catch (JsonProcessingException e) {
            return failed(
                    job,
                    new InvalidPayloadException(
                            "the job's result cannot be written as JSON: " + e.getOriginalMessage()));
        } catch (InvocationTargetException e) {
            return failed(job, e.getCause() == null ? e : e.getCause());
        } catch (OutOfMemoryError e) {
            // The job's own allocations are garbage once its frames are gone, so the worker can go
            // on; running the job again would most likely exhaust the heap again, so it fails now.
            // With -XX:+ExitOnOutOfMemoryError the JVM exits instead and the job is recovered.
            return new Outcome(Outcome.Kind.FAILED, errorJson(e), 0);
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError vme && !(e instanceof StackOverflowError)) {
                throw vme;
            }
            return failed(job, e);
        } finally {
            CurrentJob.clear();
        }
    }

    /**
     * Decides what a failed attempt leads to: another attempt after a backoff, or the end.
     *
     * @param job the job
     * @param e what it threw (or the timeout)
     * @return RETRY with its delay, or FAILED
     */
    public Outcome failed(LeasedJob job, Throwable e) {
        String data = errorJson(e);
        Envelope env = job.envelope();
        if (env == null
                || e instanceof NonRetryableException
                || e instanceof JobNotAllowedException
                || e instanceof InvalidPayloadException) {
            return new Outcome(Outcome.Kind.FAILED, data, 0);
        }
        RetrySpec spec = env.retry() != null ? env.retry() : handlerRetry.getOrDefault(env.fn(), defaultRetry);
        if (job.attempt() >= spec.maxAttempts() || isNever(spec, e)) {
            return new Outcome(Outcome.Kind.FAILED, data, 0);
        }
        return new Outcome(Outcome.Kind.RETRY, data, spec.delayAfterMs(job.attempt()));
    }

    private static boolean isNever(RetrySpec spec, Throwable e) {
        for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
            if (spec.never().contains(c.getName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the job's callback for this outcome, if it has one. A callback is held to the same rules as
     * a job (allowed package, public static method), and whatever it throws is logged, never recorded.
     *
     * @param job the job
     * @param outcome how the attempt ended
     */
    public void callback(LeasedJob job, Outcome outcome) {
        Envelope env = job.envelope();
        String event = switch (outcome.kind()) {
            case FINISHED -> "success";
            case FAILED -> "failure";
            case STOPPED -> "stopped";
            case RETRY -> null;
        };
        String fn = env == null || event == null ? null : env.callbacks().get(event);
        if (fn == null) {
            return;
        }
        try {
            int sep = fn.indexOf("::");
            String className = sep < 0 ? "" : fn.substring(0, sep);
            if (!CLASS_NAME.matcher(className).matches()) {
                throw new InvalidPayloadException("'" + fn + "' is not a valid class::method name");
            }
            checkAllowed(className, fn);
            Method m = Class.forName(className, true, loader).getMethod(fn.substring(sep + 2), io.jrq.JobOutcome.class);
            if (!Modifier.isStatic(m.getModifiers())) {
                throw new InvalidPayloadException("callback " + fn + " must be static");
            }
            io.jrq.JobStatus status = io.jrq.JobStatus.valueOf(outcome.kind().name());
            io.jrq.JobError error = outcome.finished() ? null : errorOf(outcome.data());
            m.invoke(
                    null,
                    new io.jrq.JobOutcome(
                            job.id(),
                            job.queue(),
                            status,
                            job.attempt(),
                            outcome.finished() ? outcome.data() : null,
                            error));
        } catch (InvocationTargetException e) {
            LOG.warn("callback {} of job {} threw", fn, job.id(), e.getCause());
        } catch (Exception e) {
            LOG.warn("callback {} of job {} could not run: {}", fn, job.id(), e.toString());
        }
    }

    /** @return the error an outcome's data describes ({@code unknown} when it cannot be read) */
    static io.jrq.JobError errorOf(String json) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = Json.mapper().readTree(json);
            return new io.jrq.JobError(
                    n.path("type").asText(),
                    n.path("message").asText(),
                    n.path("stackTrace").asText());
        } catch (Exception e) {
            return new io.jrq.JobError("unknown", json, "");
        }
    }

    /**
     * @param job the job that ran too long
     * @param timeoutMs its timeout
     * @return the outcome to record for it
     */
    public Outcome timedOut(LeasedJob job, long timeoutMs) {
        return failed(
                job,
                new JobTimeoutException("job " + job.id() + " ran longer than its timeout of " + timeoutMs
                        + " ms and was interrupted"));
    }

    /**
     * @param job the job stopped on request
     * @return the outcome to record for it
     */
    public static Outcome stopped(LeasedJob job) {
        return new Outcome(
                Outcome.Kind.STOPPED,
                errorJson(new io.jrq.JobStoppedException("job " + job.id() + " was stopped on request")),
                0);
    }

    /**
     * @param job a job whose code called {@code System.exit}
     * @param stack where its thread is, for the recorded error
     * @return FAILED with a {@link io.jrq.JvmExitException}, never retried
     */
    static Outcome exited(LeasedJob job, StackTraceElement[] stack) {
        io.jrq.JvmExitException e = new io.jrq.JvmExitException(
                "job " + job.id() + " called System.exit (or Runtime.exit) and"
                        + " ended its worker's JVM; failed without retry, since it would end every worker that runs it");
        e.setStackTrace(stack);
        return new Outcome(Outcome.Kind.FAILED, errorJson(e), 0);
    }

    private Object invoke(Envelope env, LeasedJob job) throws Exception {
        if (!env.isMethod()) {
            Handler h = handlers.get(env.fn());
            if (h == null) {
                throw new JobNotAllowedException(
                        "no handler named '" + env.fn() + "' is registered on this worker (registered: "
                                + (handlers.isEmpty() ? "none" : String.join(", ", handlers.keySet())) + ")");
            }
            return h.handle(job);
        }
        Method m = method(env);
        Object[] args = Args.decode(m, env.args());
        Object target = null;
        if (!Modifier.isStatic(m.getModifiers())) {
            String owner = env.fn().substring(0, env.fn().indexOf("::"));
            Class<?> type = Class.forName(owner, true, loader);
            target = resolver.resolve(type);
            if (target == null || !m.getDeclaringClass().isInstance(target)) {
                throw new IllegalStateException("the instance resolver returned " + target + " for " + type.getName());
            }
        }
        return m.invoke(target, args);
    }

    private Method method(Envelope env) throws ClassNotFoundException {
        String key = env.fn() + "/" + env.args().size() + "/" + env.params();
        Method cached = methods.get(key);
        if (cached != null) {
            return cached;
        }
        int sep = env.fn().indexOf("::");
        String className = env.fn().substring(0, sep);
        String methodName = env.fn().substring(sep + 2);
        if (!CLASS_NAME.matcher(className).matches()
                || !METHOD_NAME.matcher(methodName).matches()) {
            throw new InvalidPayloadException("'" + env.fn() + "' is not a valid class::method name");
        }
        checkAllowed(className, env.fn());
        Class<?> owner;
        try {
            owner = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            // A payload's mistake (or a worker deployed without the class), not a transient failure: never retried.
            throw new InvalidPayloadException(
                    "no class " + className + " on this worker's class path (function " + env.fn() + ")");
        }
        List<Method> candidates = new ArrayList<>();
        // Public methods only, including inherited and interface default methods: a payload can
        // reach what the allowed classes publish, never their private helpers.
        for (Method m : owner.getMethods()) {
            if (m.getName().equals(methodName)
                    && !m.isBridge()
                    && !m.isSynthetic()
                    && m.getParameterCount() == env.args().size()
                    && (env.params().isEmpty()
                            || Arrays.stream(m.getParameterTypes())
                                    .map(Class::getName)
                                    .toList()
                                    .equals(env.params()))) {
                candidates.add(m);
            }
        }
        if (candidates.isEmpty()) {
            throw new InvalidPayloadException(
                    "no public method " + env.fn() + " with " + env.args().size() + " parameter(s)"
                            + (env.params().isEmpty() ? "" : " of types " + env.params()));
        }
        if (candidates.size() > 1) {
            throw new InvalidPayloadException(env.fn() + " is overloaded with "
                    + env.args().size() + " parameters; the payload must name the parameter types in 'params'");
        }
        Method m = candidates.get(0);
        // The class itself may be non-public (a nested class); the method is public.
        m.setAccessible(true);
        methods.put(key, m);
        return m;
    }

    private void checkAllowed(String className, String fn) {
        if (allowAll) {
            return;
        }
        for (String p : allowedPackages) {
            if (className.startsWith(p + ".")) {
                return;
            }
        }
        throw new JobNotAllowedException(
                "this worker is not allowed to run " + fn + ": its class is outside the allowed packages "
                        + (allowedPackages.isEmpty() ? "(none; see Worker.Builder.allowPackages)" : allowedPackages)
                        + "; the class was not loaded");
    }

    /** @return {@code {"type":..., "message":..., "stackTrace":...}} for e */
    static String errorJson(Throwable e) {
        StringWriter sw = new StringWriter();
        e.printStackTrace(new PrintWriter(sw));
        String stack = sw.toString();
        if (stack.length() > MAX_STACK_CHARS) {
            stack = stack.substring(0, MAX_STACK_CHARS) + "\n\t... (truncated)";
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("type", e.getClass().getName());
        o.put("message", e.getMessage() == null ? "" : e.getMessage());
        o.put("stackTrace", stack);
        return o.toString();
    }
}
