package io.jrq.internal.codec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.Serializable;
import java.lang.reflect.Type;
import java.util.List;

/**
 * One call of a job's function as it travels, before it has an id: the payload's {@code fn},
 * {@code params} and {@code args}, and the type its result is read back as. What an enqueue puts in
 * an envelope and a recurring job in its definition.
 *
 * @param fn {@code class::method} or a handler name
 * @param params the parameter types of an overloaded method, else empty
 * @param args the arguments, a JSON array
 * @param resultType the method's generic return type ({@code void.class} for void methods); {@code Object} for a function named by text
 */
public record EncodedCall(String fn, List<String> params, ArrayNode args, Type resultType) {
    /** Copies the parameter list. */
    public EncodedCall {
        params = List.copyOf(params);
    }

    /**
     * A call of a method reference: resolved, and its arguments checked to survive the JSON round
     * trip ({@link MethodRefs#resolve}, {@link Args#encode}).
     *
     * @param ref the method reference
     * @param instanceType the class whose instance runs an instance method, or null for a static one
     * @param args the arguments
     * @return the call
     * @throws io.jrq.InvalidJobException when the reference or an argument is refused
     */
    public static EncodedCall of(Serializable ref, Class<?> instanceType, Object[] args) {
        return of(MethodRefs.resolve(ref, instanceType), args);
    }

    /**
     * @param target a method already resolved, for many calls of it
     * @param args the arguments of one call
     * @return the call
     * @throws io.jrq.InvalidJobException when an argument is refused
     */
    public static EncodedCall of(MethodTarget target, Object[] args) {
        return new EncodedCall(target.fn(), target.params(), Args.encode(target, args), target.resultType());
    }

    /**
     * A call of a function named by text (a handler, or {@code class::method} without the class at
     * hand), whose arguments must be plain JSON data ({@link Args#encodeUntyped}).
     *
     * @param fn the function's name, already checked
     * @param args the arguments; null stands for one null argument
     * @return the call
     * @throws io.jrq.InvalidJobException when an argument is not plain JSON data
     */
    public static EncodedCall named(String fn, Object[] args) {
        return new EncodedCall(
                fn, List.of(), Args.encodeUntyped(fn, args == null ? new Object[] {null} : args), Object.class);
    }

    /** @return a copy whose arguments can be handed on without sharing the JSON tree */
    public EncodedCall copy() {
        return new EncodedCall(fn, params, args.deepCopy(), resultType);
    }
}
