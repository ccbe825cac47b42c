package io.jrq;

import java.lang.reflect.Constructor;

/**
 * Provides the object on which a worker calls an instance method enqueued with
 * {@code queue.enqueue(Reports.class, Reports::build, ...)}. The default,
 * {@link #constructors()}, calls the public no-argument constructor each time; a dependency
 * injection container can supply its beans instead. Must be thread-safe.
 */
@FunctionalInterface
public interface InstanceResolver {
    /**
     * @param type the class named by the job (already checked against the worker's allowed packages)
     * @return an instance of {@code type}
     * @throws Exception when none can be provided; the job fails with it
     */
    Object resolve(Class<?> type) throws Exception;

    /** @return the default resolver: a new instance per job from the public no-argument constructor */
    static InstanceResolver constructors() {
        return type -> {
            Constructor<?> c;
            try {
                c = type.getConstructor();
            } catch (NoSuchMethodException e) {
                throw new JrqException(
                        type.getName() + " has no public no-argument constructor; give it one or set an"
                                + " InstanceResolver on the worker that can provide instances",
                        e);
            }
            return c.newInstance();
        };
    }
}
