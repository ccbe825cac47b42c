package io.jrq.internal.codec;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;

/**
 * A method a job calls, as resolved on the enqueuing side from a method reference.
 *
 * @param owner the class named in the payload: the declaring class for static methods, the class
 *     the caller named for instance methods (the worker resolves an instance of it)
 * @param method the method
 * @param overloaded whether {@code owner} has another method of the same name and arity, in which
 *     case the payload carries the parameter types
 */
public record MethodTarget(Class<?> owner, Method method, boolean overloaded) {
    /** @return {@code owner::name}, the payload's {@code fn} */
    public String fn() {
        return owner.getName() + "::" + method.getName();
    }

    /** @return the declared parameter class names when overloaded, else an empty list */
    public List<String> params() {
        return overloaded
                ? Arrays.stream(method.getParameterTypes()).map(Class::getName).toList()
                : List.of();
    }

    /** @return true for a static method */
    public boolean isStatic() {
        return Modifier.isStatic(method.getModifiers());
    }

    /** @return the generic return type, {@code void.class} for void methods */
    public Type resultType() {
        return method.getGenericReturnType();
    }

    /**
     * @param owner a class
     * @param method one of its methods
     * @return whether another method with that name and parameter count exists
     */
    public static boolean isOverloaded(Class<?> owner, Method method) {
        return Arrays.stream(owner.getMethods())
                        .filter(m -> !m.isBridge() && !m.equals(method))
                        .anyMatch(m -> m.getName().equals(method.getName())
                                && m.getParameterCount() == method.getParameterCount())
                || Arrays.stream(owner.getDeclaredMethods())
                        .filter(m -> !m.isBridge() && !m.equals(method))
                        .anyMatch(m -> m.getName().equals(method.getName())
                                && m.getParameterCount() == method.getParameterCount());
    }
}
