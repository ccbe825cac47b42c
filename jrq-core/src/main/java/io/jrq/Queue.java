package io.jrq;

import io.jrq.internal.client.Backend;
import io.jrq.internal.client.EncodedJob;
import io.jrq.internal.client.EnqueueSpec;
import io.jrq.internal.client.JobEncoder;
import io.jrq.internal.codec.EncodedCall;
import io.jrq.internal.codec.Envelope;
import io.jrq.internal.codec.MethodRefs;
import io.jrq.internal.codec.MethodTarget;
import io.jrq.internal.observe.Attempt;
import io.jrq.internal.observe.Observers;
import io.jrq.internal.observe.Send;
import java.io.Serializable;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A named queue: enqueue method calls or handler calls onto it and look its jobs up.
 *
 * <pre>{@code
 * Queue q = jrq.queue("default");
 * Job<Integer> job = q.enqueue(WordCount::count, "https://example.org");   // returns at once
 * Job<Void> sent = q.enqueue(Mailer.class, Mailer::send, "ann@example.org"); // instance method
 * Job<Object> h = q.enqueue("send-email", Map.of("to", "ann@example.org")); // registered handler
 * q.with(EnqueueOptions.builder().jobId("report-42").build()).enqueue(Reports::build, 42);
 * }</pre>
 *
 * <p>A method reference travels as its class and method name plus JSON arguments; lambdas,
 * references bound to an object and arguments that do not survive a JSON round trip are refused
 * with an {@link InvalidJobException} before anything is stored. Enqueue returns once Redis has
 * stored the job; {@link #enqueueAsync} returns at once with a future, for keeping many enqueues in
 * flight from one thread. Thread-safe; cheap to create.
 *
 * <p><b>What an enqueue error means.</b> An enqueue that returns has stored its job. One that throws
 * has stored nothing, and can simply be done again, except in two cases:
 * <ul>
 *   <li>{@link EnqueueUnknownException}: the call was sent to Redis, or may have been, and no answer
 *   came (a timeout, a connection lost). The job may be stored, and then it runs. The exception
 *   carries its id, also when jrq generated it: look the job up with {@link #job(String)}, or enqueue
 *   the same call again with that id ({@link EnqueueOptions.Builder#jobId(String)}). An enqueue whose
 *   id a job already has, with the same function, arguments and options, returns that job, whatever
 *   its state, and stores or resets nothing; with anything different it throws
 *   {@link JobExistsException}. Do not enqueue the work again under a new id: it could run twice.</li>
 *   <li>{@link NotDurableException}: stored; only its durability is unconfirmed.</li>
 * </ul>
 * Nothing was stored by: {@link InvalidJobException} (refused before anything was sent),
 * {@link JobExistsException}, {@link RedisFullException} (Redis reached its maxmemory; a bulk
 * enqueue of several batches lists in {@code storedJobIds()} those stored before), a
 * {@link RedisUnavailableException} that is not an {@code EnqueueUnknownException} (Redis could not
 * be reached, so nothing was sent), or any other {@link JrqException} (Redis refused the call, e.g.
 * an ACL's NOPERM). See docs/RELIABILITY.md, "What an enqueue error means".
 */
public final class Queue {
    private static final Object[] NO_ARGS = new Object[0];

    private final Backend backend;
    private final JrqOptions options;
    private final String name;
    private final EnqueueOptions enqueueOptions;
    /** Makes the envelopes, payloads and call spec of this view's enqueues. */
    private final JobEncoder encoder;
    /** Set only on the view {@link #enqueueAsync} hands to its function: enqueues there do not wait. */
    private final AsyncCall asyncCall;

    Queue(Backend backend, JrqOptions options, String name, EnqueueOptions enqueueOptions) {
        this(backend, options, name, enqueueOptions, null);
    }

    private Queue(
            Backend backend, JrqOptions options, String name, EnqueueOptions enqueueOptions, AsyncCall asyncCall) {
        this.backend = backend;
        this.options = options;
        this.name = JobNames.checkQueueName(name);
        this.enqueueOptions = enqueueOptions;
        this.encoder = new JobEncoder(
                enqueueOptions,
                enqueueOptions.retry() == null ? null : enqueueOptions.retry().spec(),
                options);
        this.asyncCall = asyncCall;
    }

    /** @return the queue's name */
    public String name() {
        return name;
    }

    /**
     * @param opts options for the jobs enqueued through the returned view (id, description, meta, result TTL, front)
     * @return a view of this queue that applies {@code opts}
     */
    public Queue with(EnqueueOptions opts) {
        return new Queue(backend, options, name, Objects.requireNonNull(opts, "options"), asyncCall);
    }

    /**
     * @param when when the jobs enqueued through the returned view are due (Redis clock)
     * @return a view of this queue whose jobs are SCHEDULED until {@code when}
     */
    public Queue at(Instant when) {
        return with(enqueueOptions.toBuilder().at(when).build());
    }

    /**
     * @param delay how long after enqueue the jobs enqueued through the returned view are due
     * @return a view of this queue whose jobs are SCHEDULED until then
     */
    public Queue in(Duration delay) {
        return with(enqueueOptions.toBuilder().delay(delay).build());
    }

    /**
     * Enqueues a handler call due at a given time. For method references use {@code queue.at(when).enqueue(...)}.
     *
     * @param when when the job is due (Redis clock)
     * @param handler the handler's name
     * @param args its arguments
     * @return the job, SCHEDULED
     */
    public Job<Object> enqueueAt(Instant when, String handler, Object... args) {
        return at(when).enqueue(handler, args);
    }

    /**
     * Enqueues a handler call due after a delay. For method references use {@code queue.in(delay).enqueue(...)}.
     *
     * @param delay how long after now the job is due
     * @param handler the handler's name
     * @param args its arguments
     * @return the job, SCHEDULED
     */
    public Job<Object> enqueueIn(Duration delay, String handler, Object... args) {
        return in(delay).enqueue(handler, args);
    }

    /**
     * Enqueues one job without waiting for Redis: the job is described by an ordinary enqueue call on
     * the queue handed to {@code call}, which returns at once, and the returned future completes once
     * Redis has stored the job. This lets one thread keep many enqueues in flight:
     *
     * <pre>{@code
     * CompletableFuture<Job<Integer>> f = queue.enqueueAsync(q -> q.enqueue(WordCount::count, url));
     * queue.with(opts).enqueueAsync(q -> q.in(Duration.ofMinutes(5)).enqueue("send-email", to));
     * }</pre>
     *
     * <p>Every enqueue form works inside {@code call} (method references, handlers, {@code with},
     * {@code at}, {@code in}), with exactly the same checks: bad input throws from this method,
     * before anything is sent. Use only the {@link Job} the future gives: when a unique key names a
     * job that already exists, that is the existing job. Failures to store (Redis unavailable, an
     * existing job id) complete the future exceptionally with the {@link JrqException} the
     * synchronous enqueue would throw ({@link EnqueueUnknownException} when the outcome is unknown,
     * see {@link Queue}). Callbacks on the future may run on a Redis I/O thread: do not
     * block in them (use the {@code ...Async} variants of {@link CompletableFuture} to move on).
     *
     * @param call makes exactly one enqueue call on the queue it is given, and returns its job
     * @param <R> the job's result type
     * @return completed with the stored job
     * @throws InvalidJobException if {@code call} does not enqueue exactly one job on the queue it is given, or the job is invalid
     */
    public <R> CompletableFuture<Job<R>> enqueueAsync(Function<Queue, Job<R>> call) {
        Objects.requireNonNull(call, "call");
        AsyncCall async = new AsyncCall();
        Job<R> unused = call.apply(new Queue(backend, options, name, enqueueOptions, async));
        if (async.stored == null) {
            throw new InvalidJobException(
                    "enqueueAsync: the function must enqueue one job through the queue it is given"
                            + " (q -> q.enqueue(...)); it enqueued none there");
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<Job<R>> stored = (CompletableFuture<Job<R>>) (CompletableFuture<?>) async.stored;
        return stored;
    }

    /** The one enqueue an {@link #enqueueAsync} function made. */
    private static final class AsyncCall {
        private CompletableFuture<? extends Job<?>> stored;
    }

    /** @return how many jobs are waiting in the queue */
    public long size() {
        long n = 0;
        for (String p : backend.partitionsToSearch(name, null)) {
            n += backend.queuedCount(p);
        }
        return n;
    }

    /**
     * @param id a job id
     * @return the job, or empty when this queue has no job with that id (never had, expired or deleted)
     */
    public Optional<Job<Object>> job(String id) {
        Objects.requireNonNull(id, "id");
        for (String p : backend.partitionsToSearch(name, id)) {
            Optional<Job<Object>> j = backend.read(p, id).map(r -> new Job<>(backend, p, id, Object.class));
            if (j.isPresent()) {
                return j;
            }
        }
        return Optional.empty();
    }

    /**
     * Enqueues a call of a function named by text: a handler registered by name on the workers, or a
     * method as {@code com.example.Jobs::send} when this process does not have the class (a command
     * line, a gateway). The arguments must be plain JSON data (strings, numbers, booleans, lists,
     * maps, records, Jackson trees); for a named method they are checked against its parameter types
     * only when a worker runs it, so prefer a method reference where you can.
     *
     * @param handler a handler name, or {@code class::method}
     * @param args its arguments
     * @return the job, at once; its result is decoded as plain JSON values (see {@link Job#as})
     * @throws InvalidJobException when the call is refused before anything is sent
     * @throws RedisFullException when Redis is at its maxmemory: nothing was stored
     * @throws EnqueueUnknownException when Redis did not answer: the job, whose id it carries, may be stored
     * @throws JrqException for every other failure, each of which stored nothing (see {@link Queue})
     */
    public Job<Object> enqueue(String handler, Object... args) {
        checkHandler(handler);
        return submitAll(List.of(encoder.envelope(EncodedCall.named(handler, args))), Object.class, false)
                .get(0);
    }

    /**
     * Enqueues one call of a one-argument static method per element, pipelined: far fewer round trips
     * than one enqueue per job. Stored atomically per batch of 500.
     *
     * @param fn the method
     * @param args one argument per job
     * @param <A> argument type
     * @param <R> result type
     * @return the jobs, in the order of {@code args}
     */
    public <A, R> List<Job<R>> enqueueAll(Fn.F1<A, R> fn, Collection<? extends A> args) {
        return submitMany(fn, args);
    }

    /**
     * Like {@link #enqueueAll(Fn.F1, Collection)} for a one-argument void method.
     *
     * @return the jobs
     */
    public <A> List<Job<Void>> enqueueAll(Fn.V1<A> fn, Collection<? extends A> args) {
        return submitMany(fn, args);
    }

    /**
     * Enqueues one handler call per element of {@code argLists}, pipelined.
     *
     * @param handler the handler's name
     * @param argLists the arguments of each job
     * @return the jobs, in order
     */
    public List<Job<Object>> enqueueAll(String handler, Collection<? extends List<?>> argLists) {
        checkHandler(handler);
        checkBulk(argLists.size());
        List<Envelope> envs = new ArrayList<>(argLists.size());
        for (List<?> a : argLists) {
            envs.add(encoder.envelope(EncodedCall.named(handler, a.toArray())));
        }
        return submitAll(envs, Object.class, true);
    }

    /**
     * Enqueues calls of functions named by text, which may differ from call to call, pipelined and
     * stored atomically per batch of 500: the bulk form of {@link #enqueue(String, Object...)}, for a
     * command line or a gateway that does not have the job classes. Every call is checked (name,
     * arguments, payload size) before any is stored, so an {@link InvalidJobException} means none
     * was.
     *
     * @param calls the calls, in order
     * @return the jobs, in the order of {@code calls}; their results are decoded as plain JSON values
     * @throws RedisFullException when Redis is at its maxmemory: its {@code jobIds()} were not stored
     *     (with more than one batch, those of earlier batches may be: {@code storedJobIds()})
     * @throws EnqueueUnknownException when Redis did not answer: any batch of the jobs, whose ids it
     *     carries, may be stored; look them up by id
     */
    public List<Job<Object>> enqueueAll(Collection<Call> calls) {
        Objects.requireNonNull(calls, "calls");
        checkBulk(calls.size());
        List<Envelope> envs = new ArrayList<>(calls.size());
        for (Call c : calls) {
            checkHandler(c.function());
            envs.add(encoder.envelope(EncodedCall.named(c.function(), c.args().toArray())));
        }
        return submitAll(envs, Object.class, true);
    }

    private <R> List<Job<R>> submitMany(Serializable fn, Collection<?> args) {
        MethodTarget target = MethodRefs.resolve(fn, null);
        checkBulk(args.size());
        List<Envelope> envs = new ArrayList<>(args.size());
        for (Object a : args) {
            envs.add(encoder.envelope(EncodedCall.of(target, new Object[] {a})));
        }
        return submitAll(envs, boxed(target.resultType()), true);
    }

    private void checkBulk(int n) {
        if (n > 1 && (enqueueOptions.jobId() != null || enqueueOptions.uniqueKey() != null)) {
            throw new InvalidJobException(
                    "a custom job id or unique key names one job; it cannot be used for " + n + " jobs");
        }
    }

    private void checkHandler(String handler) {
        if (handler != null && handler.contains("::")) {
            if (!JobNames.isMethodName(handler)) {
                throw new InvalidJobException(
                        "'" + handler + "' is not a valid class::method name, such as com.example.Jobs::send");
            }
            return;
        }
        if (!JobNames.isHandlerName(handler)) {
            throw new InvalidJobException(
                    "handler name must be " + JobNames.HANDLER_RULE + ", got: '" + handler
                            + "'; to enqueue a method use a method reference such as Reports::build, or its name as com.example.Reports::build");
        }
    }

    private <R> Job<R> submit(Serializable fn, Class<?> instanceType, Object[] args) {
        Objects.requireNonNull(fn, "fn");
        EncodedCall call = EncodedCall.of(fn, instanceType, args);
        return this.<R>submitAll(List.of(encoder.envelope(call)), boxed(call.resultType()), false)
                .get(0);
    }

    /**
     * Stores the jobs of one enqueue call. The observers see the call from before its jobs are
     * encoded (a tracer's PRODUCER span, whose context every job of the call carries) to Redis'
     * answer.
     *
     * @param bulk true for the bulk API, whatever the number of jobs
     */
    @SuppressWarnings(
            "try") // the observers' scope is entered for its effect: their span is current while Redis is called
    private <R> List<Job<R>> submitAll(List<Envelope> envs, Type resultType, boolean bulk) {
        if (asyncCall != null && (asyncCall.stored != null || envs.size() != 1)) {
            throw new InvalidJobException(
                    "enqueueAsync: the function must enqueue exactly one job; use enqueueAll for many");
        }
        Observers observers = backend.observers();
        Send send = observers.isEmpty() ? Send.NONE : sending(observers, envs, bulk);
        List<Envelope> stored;
        List<EncodedJob> encoded;
        EnqueueSpec spec;
        try {
            stored = JobEncoder.traced(envs, send);
            encoded = encoder.encode(stored);
            spec = encoder.spec();
        } catch (RuntimeException | Error e) {
            send.ended(e);
            throw e;
        }
        if (asyncCall != null) {
            return submitAsync(stored, encoded, spec, resultType, send);
        }
        List<String> ids;
        List<String> targets;
        try (Attempt.Scope scope = send.enter()) {
            targets = backend.route(name, encoded, enqueueOptions.orderingKey(), enqueueOptions.jobId() != null);
            ids = storeRouted(targets, encoded, spec);
        } catch (RuntimeException | Error e) {
            send.ended(e);
            throw e;
        }
        send.ended(null);
        observeStored(stored, ids);
        List<Job<R>> jobs = new ArrayList<>(ids.size());
        for (int k = 0; k < ids.size(); k++) {
            jobs.add(new Job<>(backend, targets.get(k), ids.get(k), resultType));
        }
        return jobs;
    }

    /**
     * Stores jobs where {@link Backend#route} sent them: in one call when they all go to one queue or
     * partition (always, unless the queue is partitioned), else partition by partition.
     */
    private List<String> storeRouted(List<String> targets, List<EncodedJob> encoded, EnqueueSpec spec) {
        String first = targets.get(0);
        if (targets.stream().allMatch(first::equals)) {
            return backend.enqueue(first, encoded, spec);
        }
        java.util.Map<String, List<Integer>> groups = new java.util.LinkedHashMap<>();
        for (int k = 0; k < targets.size(); k++) {
            groups.computeIfAbsent(targets.get(k), t -> new ArrayList<>()).add(k);
        }
        String[] ids = new String[encoded.size()];
        List<String> storedSoFar = new ArrayList<>();
        for (java.util.Map.Entry<String, List<Integer>> g : groups.entrySet()) {
            List<EncodedJob> part = new ArrayList<>(g.getValue().size());
            for (int k : g.getValue()) {
                part.add(encoded.get(k));
            }
            List<String> got;
            try {
                got = backend.enqueue(g.getKey(), part, spec);
            } catch (RedisFullException e) {
                List<String> stored = new ArrayList<>(storedSoFar);
                stored.addAll(e.storedJobIds());
                throw new RedisFullException(e.getMessage(), e.queue(), e.jobIds(), stored, e.getCause());
            }
            for (int i = 0; i < got.size(); i++) {
                ids[g.getValue().get(i)] = got.get(i);
            }
            storedSoFar.addAll(got);
        }
        return java.util.Arrays.asList(ids);
    }

    private Send sending(Observers observers, List<Envelope> envs, boolean bulk) {
        List<String> ids = new ArrayList<>(envs.size());
        List<String> functions = new ArrayList<>(envs.size());
        for (Envelope env : envs) {
            ids.add(env.id());
            functions.add(env.fn());
        }
        return observers.sending(name, ids, functions, bulk);
    }

    @SuppressWarnings("try") // as in submitAll
    private <R> List<Job<R>> submitAsync(
            List<Envelope> envs, List<EncodedJob> encoded, EnqueueSpec spec, Type resultType, Send send) {
        CompletableFuture<List<String>> sent;
        String target;
        try (Attempt.Scope scope = send.enter()) {
            target = backend.route(name, encoded, enqueueOptions.orderingKey(), enqueueOptions.jobId() != null)
                    .get(0);
            sent = backend.enqueueAsync(target, encoded, spec);
        } catch (RuntimeException | Error e) {
            send.ended(e);
            throw e;
        }
        if (send != Send.NONE) {
            sent.whenComplete((ids, error) -> send.ended(
                    error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                            ? error.getCause()
                            : error));
        }
        asyncCall.stored = sent.thenApply(ids -> {
            observeStored(envs, ids);
            return new Job<R>(backend, target, ids.get(0), resultType);
        });
        // What the function's own enqueue call returns; its id is the final one unless a unique key
        // names an existing job, which is why enqueueAsync's callers get the future's job instead.
        return List.of(new Job<>(backend, target, encoded.get(0).id(), resultType));
    }

    /** Tells the observers of the jobs stored: those a unique key matched to an existing job are not. */
    private void observeStored(List<Envelope> envs, List<String> ids) {
        Observers observers = backend.observers();
        if (observers.isEmpty()) {
            return;
        }
        List<String> functions = new ArrayList<>(ids.size());
        for (int k = 0; k < ids.size() && k < envs.size(); k++) {
            if (ids.get(k).equals(envs.get(k).id())) {
                functions.add(envs.get(k).fn());
            }
        }
        observers.enqueued(name, functions);
    }

    private static Type boxed(Type t) {
        return t == void.class ? Void.class : t;
    }

    @Override
    public String toString() {
        return "Queue[" + name + "]";
    }

    /**
     * Enqueues a call of a static method with 0 argument(s); see {@link Queue}.
     *
     * @return the job, at once
     */
    public <R> Job<R> enqueue(Fn.F0<R> fn) {
        return submit(fn, null, NO_ARGS);
    }

    /**
     * Enqueues a call of a static void method with 0 argument(s).
     *
     * @return the job, at once
     */
    public Job<Void> enqueue(Fn.V0 fn) {
        return submit(fn, null, NO_ARGS);
    }

    /**
     * Enqueues a call of an instance method with 0 argument(s); the worker gets the instance from its
     * {@link InstanceResolver}.
     *
     * @param type the class whose instance runs the method
     * @return the job, at once
     */
    public <T, R> Job<R> enqueue(Class<T> type, Fn.M0<T, R> fn) {
        return submit(fn, type, NO_ARGS);
    }

    /**
     * Enqueues a call of an instance void method with 0 argument(s).
     *
     * @return the job, at once
     */
    public <T> Job<Void> enqueue(Class<T> type, Fn.MV0<T> fn) {
        return submit(fn, type, NO_ARGS);
    }

    /**
     * Enqueues a call of a static method with 1 argument(s); see {@link Queue}.
     *
     * @return the job, at once
     */
    public <A, R> Job<R> enqueue(Fn.F1<A, R> fn, A a) {
        return submit(fn, null, new Object[] {a});
    }

    /**
     * Enqueues a call of a static void method with 1 argument(s).
     *
     * @return the job, at once
     */
    public <A> Job<Void> enqueue(Fn.V1<A> fn, A a) {
        return submit(fn, null, new Object[] {a});
    }

    /**
     * Enqueues a call of an instance method with 1 argument(s); the worker gets the instance from its
     * {@link InstanceResolver}.
     *
     * @param type the class whose instance runs the method
     * @return the job, at once
     */
    public <T, A, R> Job<R> enqueue(Class<T> type, Fn.M1<T, A, R> fn, A a) {
        return submit(fn, type, new Object[] {a});
    }

    /**
     * Enqueues a call of an instance void method with 1 argument(s).
     *
     * @return the job, at once
     */
    public <T, A> Job<Void> enqueue(Class<T> type, Fn.MV1<T, A> fn, A a) {
        return submit(fn, type, new Object[] {a});
    }

    /**
     * Enqueues a call of a static method with 2 argument(s); see {@link Queue}.
     *
     * @return the job, at once
     */
    public <A, B, R> Job<R> enqueue(Fn.F2<A, B, R> fn, A a, B b) {
        return submit(fn, null, new Object[] {a, b});
    }

    /**
     * Enqueues a call of a static void method with 2 argument(s).
     *
     * @return the job, at once
     */
    public <A, B> Job<Void> enqueue(Fn.V2<A, B> fn, A a, B b) {
        return submit(fn, null, new Object[] {a, b});
    }

    /**
     * Enqueues a call of an instance method with 2 argument(s); the worker gets the instance from its
     * {@link InstanceResolver}.
     *
     * @param type the class whose instance runs the method
     * @return the job, at once
     */
    public <T, A, B, R> Job<R> enqueue(Class<T> type, Fn.M2<T, A, B, R> fn, A a, B b) {
        return submit(fn, type, new Object[] {a, b});
    }

    /**
     * Enqueues a call of an instance void method with 2 argument(s).
     *
     * @return the job, at once
     */
    public <T, A, B> Job<Void> enqueue(Class<T> type, Fn.MV2<T, A, B> fn, A a, B b) {
        return submit(fn, type, new Object[] {a, b});
    }

    /**
     * Enqueues a call of a static method with 3 argument(s); see {@link Queue}.
     *
     * @return the job, at once
     */
    public <A, B, C, R> Job<R> enqueue(Fn.F3<A, B, C, R> fn, A a, B b, C c) {
        return submit(fn, null, new Object[] {a, b, c});
    }

    /**
     * Enqueues a call of a static void method with 3 argument(s).
     *
     * @return the job, at once
     */
    public <A, B, C> Job<Void> enqueue(Fn.V3<A, B, C> fn, A a, B b, C c) {
        return submit(fn, null, new Object[] {a, b, c});
    }

    /**
     * Enqueues a call of an instance method with 3 argument(s); the worker gets the instance from its
     * {@link InstanceResolver}.
     *
     * @param type the class whose instance runs the method
     * @return the job, at once
     */
    public <T, A, B, C, R> Job<R> enqueue(Class<T> type, Fn.M3<T, A, B, C, R> fn, A a, B b, C c) {
        return submit(fn, type, new Object[] {a, b, c});
    }

    /**
     * Enqueues a call of an instance void method with 3 argument(s).
     *
     * @return the job, at once
     */
    public <T, A, B, C> Job<Void> enqueue(Class<T> type, Fn.MV3<T, A, B, C> fn, A a, B b, C c) {
        return submit(fn, type, new Object[] {a, b, c});
    }

    /**
     * Enqueues a call of a static method with 4 argument(s); see {@link Queue}.
     *
     * @return the job, at once
     */
    public <A, B, C, D, R> Job<R> enqueue(Fn.F4<A, B, C, D, R> fn, A a, B b, C c, D d) {
        return submit(fn, null, new Object[] {a, b, c, d});
    }

    /**
     * Enqueues a call of a static void method with 4 argument(s).
     *
     * @return the job, at once
     */
    public <A, B, C, D> Job<Void> enqueue(Fn.V4<A, B, C, D> fn, A a, B b, C c, D d) {
        return submit(fn, null, new Object[] {a, b, c, d});
    }

    /**
     * Enqueues a call of an instance method with 4 argument(s); the worker gets the instance from its
     * {@link InstanceResolver}.
     *
     * @param type the class whose instance runs the method
     * @return the job, at once
     */
    public <T, A, B, C, D, R> Job<R> enqueue(Class<T> type, Fn.M4<T, A, B, C, D, R> fn, A a, B b, C c, D d) {
        return submit(fn, type, new Object[] {a, b, c, d});
    }

    /**
     * Enqueues a call of an instance void method with 4 argument(s).
     *
     * @return the job, at once
     */
    public <T, A, B, C, D> Job<Void> enqueue(Class<T> type, Fn.MV4<T, A, B, C, D> fn, A a, B b, C c, D d) {
        return submit(fn, type, new Object[] {a, b, c, d});
    }

    /**
     * Enqueues a call of a static method with 5 argument(s); see {@link Queue}.
     *
     * @return the job, at once
     */
    public <A, B, C, D, E, R> Job<R> enqueue(Fn.F5<A, B, C, D, E, R> fn, A a, B b, C c, D d, E e) {
        return submit(fn, null, new Object[] {a, b, c, d, e});
    }

    /**
     * Enqueues a call of a static void method with 5 argument(s).
     *
     * @return the job, at once
     */
    public <A, B, C, D, E> Job<Void> enqueue(Fn.V5<A, B, C, D, E> fn, A a, B b, C c, D d, E e) {
        return submit(fn, null, new Object[] {a, b, c, d, e});
    }

    /**
     * Enqueues a call of an instance method with 5 argument(s); the worker gets the instance from its
     * {@link InstanceResolver}.
     *
     * @param type the class whose instance runs the method
     * @return the job, at once
     */
    public <T, A, B, C, D, E, R> Job<R> enqueue(Class<T> type, Fn.M5<T, A, B, C, D, E, R> fn, A a, B b, C c, D d, E e) {
        return submit(fn, type, new Object[] {a, b, c, d, e});
    }

    /**
     * Enqueues a call of an instance void method with 5 argument(s).
     *
     * @return the job, at once
     */
    public <T, A, B, C, D, E> Job<Void> enqueue(Class<T> type, Fn.MV5<T, A, B, C, D, E> fn, A a, B b, C c, D d, E e) {
        return submit(fn, type, new Object[] {a, b, c, d, e});
    }

    /**
     * Enqueues a call of a static method with 6 argument(s); see {@link Queue}.
     *
     * @return the job, at once
     */
    public <A, B, C, D, E, F, R> Job<R> enqueue(Fn.F6<A, B, C, D, E, F, R> fn, A a, B b, C c, D d, E e, F f) {
        return submit(fn, null, new Object[] {a, b, c, d, e, f});
    }

    /**
     * Enqueues a call of a static void method with 6 argument(s).
     *
     * @return the job, at once
     */
    public <A, B, C, D, E, F> Job<Void> enqueue(Fn.V6<A, B, C, D, E, F> fn, A a, B b, C c, D d, E e, F f) {
        return submit(fn, null, new Object[] {a, b, c, d, e, f});
    }

    /**
     * Enqueues a call of an instance method with 6 argument(s); the worker gets the instance from its
     * {@link InstanceResolver}.
     *
     * @param type the class whose instance runs the method
     * @return the job, at once
     */
    public <T, A, B, C, D, E, F, R> Job<R> enqueue(
            Class<T> type, Fn.M6<T, A, B, C, D, E, F, R> fn, A a, B b, C c, D d, E e, F f) {
        return submit(fn, type, new Object[] {a, b, c, d, e, f});
    }

    /**
     * Enqueues a call of an instance void method with 6 argument(s).
     *
     * @return the job, at once
     */
    public <T, A, B, C, D, E, F> Job<Void> enqueue(
            Class<T> type, Fn.MV6<T, A, B, C, D, E, F> fn, A a, B b, C c, D d, E e, F f) {
        return submit(fn, type, new Object[] {a, b, c, d, e, f});
    }
}
