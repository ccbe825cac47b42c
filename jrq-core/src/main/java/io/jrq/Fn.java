package io.jrq;

import java.io.Serializable;

/**
 * The shapes of method references that {@link Queue#enqueue} accepts. You never name these types:
 * write {@code queue.enqueue(Reports::build, id)} and the compiler picks the shape.
 *
 * <p>They extend {@link Serializable} only so that jrq can read which method a reference names (its
 * class, name and signature) through {@link java.lang.invoke.SerializedLambda}. Nothing is ever
 * serialized with Java serialization: the job travels as JSON, and the worker looks the method up by
 * name. That is also why only references to named methods are accepted, not lambdas.
 *
 * <ul>
 *   <li>{@code F0..F6}: static methods returning a value, with 0 to 6 parameters;</li>
 *   <li>{@code V0..V6}: static {@code void} methods;</li>
 *   <li>{@code M0..M6}: instance methods returning a value, called on an instance the worker's
 *       {@link InstanceResolver} provides;</li>
 *   <li>{@code MV0..MV6}: instance {@code void} methods.</li>
 * </ul>
 */
public final class Fn {
    private Fn() {}

    /** A static method with 0 parameter(s) returning R. */
    @FunctionalInterface
    public interface F0<R> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        R apply() throws Exception;
    }

    /** A static void method with 0 parameter(s). */
    @FunctionalInterface
    public interface V0 extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        void apply() throws Exception;
    }

    /** An instance method of T with 0 parameter(s) returning R. */
    @FunctionalInterface
    public interface M0<T, R> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        R apply(T target) throws Exception;
    }

    /** An instance void method of T with 0 parameter(s). */
    @FunctionalInterface
    public interface MV0<T> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        void apply(T target) throws Exception;
    }

    /** A static method with 1 parameter(s) returning R. */
    @FunctionalInterface
    public interface F1<A, R> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        R apply(A a) throws Exception;
    }

    /** A static void method with 1 parameter(s). */
    @FunctionalInterface
    public interface V1<A> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        void apply(A a) throws Exception;
    }

    /** An instance method of T with 1 parameter(s) returning R. */
    @FunctionalInterface
    public interface M1<T, A, R> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        R apply(T target, A a) throws Exception;
    }

    /** An instance void method of T with 1 parameter(s). */
    @FunctionalInterface
    public interface MV1<T, A> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        void apply(T target, A a) throws Exception;
    }

    /** A static method with 2 parameter(s) returning R. */
    @FunctionalInterface
    public interface F2<A, B, R> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        R apply(A a, B b) throws Exception;
    }

    /** A static void method with 2 parameter(s). */
    @FunctionalInterface
    public interface V2<A, B> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        void apply(A a, B b) throws Exception;
    }

    /** An instance method of T with 2 parameter(s) returning R. */
    @FunctionalInterface
    public interface M2<T, A, B, R> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        R apply(T target, A a, B b) throws Exception;
    }

    /** An instance void method of T with 2 parameter(s). */
    @FunctionalInterface
    public interface MV2<T, A, B> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        void apply(T target, A a, B b) throws Exception;
    }

    /** A static method with 3 parameter(s) returning R. */
    @FunctionalInterface
    public interface F3<A, B, C, R> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        R apply(A a, B b, C c) throws Exception;
    }

    /** A static void method with 3 parameter(s). */
    @FunctionalInterface
    public interface V3<A, B, C> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        void apply(A a, B b, C c) throws Exception;
    }

    /** An instance method of T with 3 parameter(s) returning R. */
    @FunctionalInterface
    public interface M3<T, A, B, C, R> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        R apply(T target, A a, B b, C c) throws Exception;
    }

    /** An instance void method of T with 3 parameter(s). */
    @FunctionalInterface
    public interface MV3<T, A, B, C> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        void apply(T target, A a, B b, C c) throws Exception;
    }

    /** A static method with 4 parameter(s) returning R. */
    @FunctionalInterface
    public interface F4<A, B, C, D, R> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        R apply(A a, B b, C c, D d) throws Exception;
    }

    /** A static void method with 4 parameter(s). */
    @FunctionalInterface
    public interface V4<A, B, C, D> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        void apply(A a, B b, C c, D d) throws Exception;
    }

    /** An instance method of T with 4 parameter(s) returning R. */
    @FunctionalInterface
    public interface M4<T, A, B, C, D, R> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        R apply(T target, A a, B b, C c, D d) throws Exception;
    }

    /** An instance void method of T with 4 parameter(s). */
    @FunctionalInterface
    public interface MV4<T, A, B, C, D> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        void apply(T target, A a, B b, C c, D d) throws Exception;
    }

    /** A static method with 5 parameter(s) returning R. */
    @FunctionalInterface
    public interface F5<A, B, C, D, E, R> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        R apply(A a, B b, C c, D d, E e) throws Exception;
    }

    /** A static void method with 5 parameter(s). */
    @FunctionalInterface
    public interface V5<A, B, C, D, E> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        void apply(A a, B b, C c, D d, E e) throws Exception;
    }

    /** An instance method of T with 5 parameter(s) returning R. */
    @FunctionalInterface
    public interface M5<T, A, B, C, D, E, R> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        R apply(T target, A a, B b, C c, D d, E e) throws Exception;
    }

    /** An instance void method of T with 5 parameter(s). */
    @FunctionalInterface
    public interface MV5<T, A, B, C, D, E> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        void apply(T target, A a, B b, C c, D d, E e) throws Exception;
    }

    /** A static method with 6 parameter(s) returning R. */
    @FunctionalInterface
    public interface F6<A, B, C, D, E, F, R> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        R apply(A a, B b, C c, D d, E e, F f) throws Exception;
    }

    /** A static void method with 6 parameter(s). */
    @FunctionalInterface
    public interface V6<A, B, C, D, E, F> extends Serializable {
        /** Runs the method. @throws Exception whatever the method throws */
        void apply(A a, B b, C c, D d, E e, F f) throws Exception;
    }

    /** An instance method of T with 6 parameter(s) returning R. */
    @FunctionalInterface
    public interface M6<T, A, B, C, D, E, F, R> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        R apply(T target, A a, B b, C c, D d, E e, F f) throws Exception;
    }

    /** An instance void method of T with 6 parameter(s). */
    @FunctionalInterface
    public interface MV6<T, A, B, C, D, E, F> extends Serializable {
        /** Runs the method on target. @throws Exception whatever the method throws */
        void apply(T target, A a, B b, C c, D d, E e, F f) throws Exception;
    }
}
