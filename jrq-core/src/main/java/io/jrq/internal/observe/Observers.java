package io.jrq.internal.observe;

import io.jrq.JobContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers bound to one client, called by its enqueue path and its workers. Observers may be
 * added while workers run: a new one is told of the workers already running. One that throws is
 * logged (once per observer) and the call goes on: metrics or tracing must never fail a job.
 */
public final class Observers {
    private static final Logger log = LoggerFactory.getLogger(Observers.class);

    private record LiveWorker(int slots, IntSupplier busy) {}

    private final List<JobObserver> observers = new CopyOnWriteArrayList<>();
    /** The observers as of the last change, read once per attempt without locking or copying. */
    private volatile JobObserver[] current = new JobObserver[0];

    private final Map<String, LiveWorker> workers = new ConcurrentHashMap<>();
    private final Map<JobObserver, Boolean> complained = new ConcurrentHashMap<>();

    /** @param observer starts receiving calls (and at once one per worker already running) */
    public synchronized void add(JobObserver observer) {
        observers.add(observer);
        current = observers.toArray(new JobObserver[0]);
        workers.forEach((name, w) -> guard(observer, () -> observer.workerStarted(name, w.slots(), w.busy())));
    }

    /** @param observer stops receiving calls */
    public synchronized void remove(JobObserver observer) {
        observers.remove(observer);
        current = observers.toArray(new JobObserver[0]);
    }

    /** @return true when nobody observes (the callers then skip building what they would pass) */
    public boolean isEmpty() {
        return observers.isEmpty();
    }

    /**
     * See {@link JobObserver#sending}. Callers skip this (and building its lists) when
     * {@link #isEmpty()}.
     *
     * @return one send that forwards to each observer's
     */
    public Send sending(String queue, List<String> jobIds, List<String> functions, boolean bulk) {
        if (observers.isEmpty()) {
            return Send.NONE;
        }
        List<Send> sends = new ArrayList<>(observers.size());
        List<JobObserver> owners = new ArrayList<>(observers.size());
        for (JobObserver o : observers) {
            try {
                sends.add(o.sending(queue, jobIds, functions, bulk));
                owners.add(o);
            } catch (RuntimeException e) {
                complain(o, e);
            }
        }
        return new CompositeSend(sends, owners);
    }

    /** See {@link JobObserver#enqueued}. */
    public void enqueued(String queue, List<String> functions) {
        for (JobObserver o : observers) {
            guard(o, () -> o.enqueued(queue, functions));
        }
    }

    /**
     * See {@link JobObserver#started}.
     *
     * @return one attempt that forwards to each observer's
     */
    public Attempt started(JobContext job, String worker, long waitNanos, Map<String, String> carrier) {
        JobObserver[] now = current;
        if (now.length == 0) {
            return Attempt.NONE;
        }
        if (now.length == 1) {
            // The common case (metrics or tracing alone): no lists, one small wrapper per attempt.
            JobObserver o = now[0];
            try {
                return new Guarded(o.started(job, worker, waitNanos, carrier), o);
            } catch (RuntimeException e) {
                complain(o, e);
                return Attempt.NONE;
            }
        }
        List<Attempt> attempts = new ArrayList<>(now.length);
        List<JobObserver> owners = new ArrayList<>(now.length);
        for (JobObserver o : now) {
            try {
                attempts.add(o.started(job, worker, waitNanos, carrier));
                owners.add(o);
            } catch (RuntimeException e) {
                complain(o, e);
            }
        }
        return new Composite(attempts, owners);
    }

    /** See {@link JobObserver#leasesExpired}. */
    public void leasesExpired(String queue, long jobs) {
        if (jobs > 0) {
            for (JobObserver o : observers) {
                guard(o, () -> o.leasesExpired(queue, jobs));
            }
        }
    }

    /** See {@link JobObserver#workerStarted}. */
    public synchronized void workerStarted(String worker, int slots, IntSupplier busy) {
        workers.put(worker, new LiveWorker(slots, busy));
        for (JobObserver o : observers) {
            guard(o, () -> o.workerStarted(worker, slots, busy));
        }
    }

    /** See {@link JobObserver#workerStopped}. */
    public synchronized void workerStopped(String worker) {
        workers.remove(worker);
        for (JobObserver o : observers) {
            guard(o, () -> o.workerStopped(worker));
        }
    }

    private void guard(JobObserver o, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            complain(o, e);
        }
    }

    private void complain(Object o, RuntimeException e) {
        JobObserver key = o instanceof JobObserver jo ? jo : null;
        if (key == null || complained.putIfAbsent(key, Boolean.TRUE) == null) {
            log.warn(
                    "observer {} failed (logged once; its calls go on): {}",
                    o.getClass().getName(),
                    e.toString(),
                    e);
        }
    }

    /** Closes scopes innermost first, as try-with-resources would, whatever one of them throws. */
    private static Attempt.Scope closingAll(List<Attempt.Scope> scopes) {
        return () -> {
            for (int i = scopes.size() - 1; i >= 0; i--) {
                closeQuietly(scopes.get(i));
            }
        };
    }

    private static void closeQuietly(Attempt.Scope scope) {
        try {
            scope.close();
        } catch (RuntimeException e) {
            log.warn("closing an observer's scope failed: {}", e.toString());
        }
    }

    /** Forwards an enqueue call's calls to the sends of each observer. */
    private final class CompositeSend implements Send {
        private final List<Send> sends;
        private final List<JobObserver> owners;

        CompositeSend(List<Send> sends, List<JobObserver> owners) {
            this.sends = sends;
            this.owners = owners;
        }

        @Override
        public void inject(Map<String, String> carrier) {
            for (int i = 0; i < sends.size(); i++) {
                try {
                    sends.get(i).inject(carrier);
                } catch (RuntimeException e) {
                    complain(owners.get(i), e);
                }
            }
        }

        @Override
        public Attempt.Scope enter() {
            List<Attempt.Scope> scopes = new ArrayList<>(sends.size());
            for (int i = 0; i < sends.size(); i++) {
                try {
                    scopes.add(sends.get(i).enter());
                } catch (RuntimeException e) {
                    complain(owners.get(i), e);
                }
            }
            return closingAll(scopes);
        }

        @Override
        public void ended(Throwable error) {
            for (int i = 0; i < sends.size(); i++) {
                try {
                    sends.get(i).ended(error);
                } catch (RuntimeException e) {
                    complain(owners.get(i), e);
                }
            }
        }
    }

    /** One observer's attempt, whose failures are logged rather than thrown. */
    private final class Guarded implements Attempt {
        private final Attempt attempt;
        private final JobObserver owner;

        Guarded(Attempt attempt, JobObserver owner) {
            this.attempt = attempt;
            this.owner = owner;
        }

        @Override
        public Scope enter() {
            try {
                Scope scope = attempt.enter();
                return scope == Scope.NOOP ? Scope.NOOP : () -> closeQuietly(scope);
            } catch (RuntimeException e) {
                complain(owner, e);
                return Scope.NOOP;
            }
        }

        @Override
        public void ended(AttemptEnd end, boolean timedOut, String errorType, String errorMessage, long runNanos) {
            try {
                attempt.ended(end, timedOut, errorType, errorMessage, runNanos);
            } catch (RuntimeException e) {
                complain(owner, e);
            }
        }
    }

    /** Forwards an attempt's calls to the attempts of each observer. */
    private final class Composite implements Attempt {
        private final List<Attempt> attempts;
        private final List<JobObserver> owners;

        Composite(List<Attempt> attempts, List<JobObserver> owners) {
            this.attempts = attempts;
            this.owners = owners;
        }

        @Override
        public Scope enter() {
            List<Scope> scopes = new ArrayList<>(attempts.size());
            for (int i = 0; i < attempts.size(); i++) {
                try {
                    scopes.add(attempts.get(i).enter());
                } catch (RuntimeException e) {
                    complain(owners.get(i), e);
                }
            }
            return closingAll(scopes);
        }

        @Override
        public void ended(AttemptEnd end, boolean timedOut, String errorType, String errorMessage, long runNanos) {
            for (int i = 0; i < attempts.size(); i++) {
                try {
                    attempts.get(i).ended(end, timedOut, errorType, errorMessage, runNanos);
                } catch (RuntimeException e) {
                    complain(owners.get(i), e);
                }
            }
        }
    }
}
