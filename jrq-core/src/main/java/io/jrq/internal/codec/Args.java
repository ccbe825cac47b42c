package io.jrq.internal.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.jrq.InvalidJobException;
import io.jrq.InvalidPayloadException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

/**
 * Encodes call arguments to JSON on the enqueuing side and decodes them against the target method's
 * declared parameter types on the worker side.
 *
 * <p>Encoding proves at enqueue time that each argument survives the trip: it is written to JSON,
 * read back as the declared parameter type, and written again; the two texts must match. An
 * argument that fails (a socket, a stream, an object without properties, a type Jackson cannot
 * construct) is refused before anything reaches Redis.
 */
public final class Args {
    private Args() {}

    /**
     * @param target the method the job calls
     * @param args the arguments, one per parameter
     * @return the JSON array to put in the envelope
     * @throws InvalidJobException naming the argument and what to do instead
     */
    public static ArrayNode encode(MethodTarget target, Object[] args) {
        ObjectMapper mapper = Json.mapper();
        Method m = target.method();
        Type[] types = m.getGenericParameterTypes();
        ArrayNode out = mapper.createArrayNode();
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            String where = "argument " + (i + 1) + " of " + target.fn();
            if (arg == null) {
                if (m.getParameterTypes()[i].isPrimitive()) {
                    throw new InvalidJobException(
                            where + " is null but the parameter is a " + m.getParameterTypes()[i]);
                }
                out.addNull();
                continue;
            }
            JsonNode tree = toTree(arg, where);
            if (!isTriviallyRoundTripped(arg)) {
                checkRoundTrip(mapper, tree, mapper.constructType(types[i]), where, arg);
            }
            out.add(tree);
        }
        return out;
    }

    /**
     * Encodes handler arguments, which have no declared types on this side: each must be plain JSON data.
     *
     * @param handler the handler name, for messages
     * @param args the arguments
     * @return the JSON array
     */
    public static ArrayNode encodeUntyped(String handler, Object[] args) {
        ArrayNode out = Json.mapper().createArrayNode();
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            String where = "argument " + (i + 1) + " of handler '" + handler + "'";
            out.add(arg == null ? Json.mapper().nullNode() : toTree(arg, where));
        }
        return out;
    }

    private static boolean isTriviallyRoundTripped(Object arg) {
        return arg instanceof String
                || arg instanceof Integer
                || arg instanceof Long
                || arg instanceof Boolean
                || arg instanceof Short
                || arg instanceof Byte
                || arg instanceof Character;
    }

    private static JsonNode toTree(Object arg, String where) {
        try {
            JsonNode tree = Json.mapper().valueToTree(arg);
            // Workers refuse such data; say so now rather than after the job is stored.
            TypeMarkers.check(tree, where);
            return tree;
        } catch (io.jrq.InvalidPayloadException e) {
            throw new InvalidJobException(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidJobException(
                    where + " (a " + arg.getClass().getName() + ") cannot be written as JSON: "
                            + rootMessage(e)
                            + ". Pass plain data instead: strings, numbers, booleans, records or beans with"
                            + " properties, lists and maps of those; or an id the job can load the object by.",
                    e);
        }
    }

    private static void checkRoundTrip(ObjectMapper mapper, JsonNode tree, JavaType type, String where, Object arg) {
        Object back;
        try {
            back = mapper.treeToValue(tree, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidJobException(
                    where + " (a " + arg.getClass().getName() + ") does not survive a JSON round trip: it"
                            + " cannot be read back as " + type.toCanonical() + " (" + rootMessage(e)
                            + "). Give the type a"
                            + " constructor Jackson can use (a record, or a bean with a no-arg constructor and setters), or pass plain data.",
                    e);
        }
        if (back != null && !arg.getClass().isInstance(back) && !sameJsonKind(arg, back)) {
            throw new InvalidJobException(where + " is a " + arg.getClass().getName() + " but a worker would receive a "
                    + back.getClass().getName() + " for the declared parameter type " + type.toCanonical()
                    + ". Declare the parameter with the real type, or pass plain data.");
        }
        JsonNode again = toTree(back, where);
        if (!again.toString().equals(tree.toString())) {
            throw new InvalidJobException(where + " (a " + arg.getClass().getName()
                    + ") does not survive a JSON round trip:"
                    + " sent " + abbreviate(tree.toString()) + " but a worker would see " + abbreviate(again.toString())
                    + ". Pass plain data whose JSON form holds all its state.");
        }
    }

    /** Values that differ in class but not in JSON meaning, like an Integer read back as a Long. */
    private static boolean sameJsonKind(Object a, Object b) {
        return (a instanceof Number && b instanceof Number)
                || (a instanceof java.util.Map && b instanceof java.util.Map)
                || ((a instanceof java.util.Collection || a.getClass().isArray())
                        && (b instanceof java.util.Collection || b.getClass().isArray()))
                || (a instanceof CharSequence && b instanceof CharSequence);
    }

    /**
     * @param method the method to call
     * @param args the payload's arguments
     * @return the decoded arguments, one per parameter
     * @throws InvalidPayloadException when the count or a type does not fit
     */
    public static Object[] decode(Method method, ArrayNode args) {
        Type[] types = method.getGenericParameterTypes();
        if (args.size() != types.length) {
            throw new InvalidPayloadException(method.getDeclaringClass().getName() + "::" + method.getName() + " takes "
                    + types.length + " argument(s) but the payload has " + args.size());
        }
        ObjectMapper mapper = Json.mapper();
        Object[] out = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            JsonNode node = args.get(i);
            Class<?> raw = method.getParameterTypes()[i];
            if (node.isNull() && raw.isPrimitive()) {
                throw new InvalidPayloadException("argument " + (i + 1) + " is null but the parameter is a " + raw);
            }
            try {
                out[i] = mapper.treeToValue(node, mapper.constructType(types[i]));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new InvalidPayloadException("argument " + (i + 1) + " does not fit parameter type "
                        + types[i].getTypeName() + ": " + rootMessage(e));
            }
        }
        return out;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : t.getMessage();
        return msg == null ? t.getClass().getSimpleName() : msg;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
