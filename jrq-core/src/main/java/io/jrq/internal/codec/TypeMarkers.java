package io.jrq.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrq.InvalidPayloadException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses payload data shaped like a deserialization attack, before anything is decoded: type-id
 * keys of polymorphic JSON typing ({@code "@class"}, {@code "@type"}, ...), Jackson's wrapper-array
 * form ({@code ["java.util.HashMap", {...}]}) and Java serialization streams (raw {@code AC ED 00 05},
 * base64 {@code rO0AB...}, hex {@code aced0005...}).
 *
 * <p>The mapper could not act on them anyway (its polymorphic type validator allows no class, and
 * arguments are decoded only into declared parameter types), but a method whose parameter is
 * {@code Object}, {@code Serializable} or a {@code Map} would receive them as data, and whatever
 * the method does next might. Refusing them makes the job fail with a reason an operator can act on.
 */
public final class TypeMarkers {
    private static final Set<String> MARKER_KEYS = Set.of("@class", "@type", "@c", "@typeName", "@jsonTypeInfo");
    /** A dotted Java class name: at least one package segment, a class segment starting upper case. */
    private static final Pattern CLASS_NAME =
            Pattern.compile("([a-z_$][A-Za-z0-9_$]*\\.)+[A-Z_$][A-Za-z0-9_$]*(\\$[A-Za-z0-9_$]+)*(\\[])*");

    private TypeMarkers() {}

    /**
     * @param node a part of the payload
     * @param where how to name it in the message, e.g. "argument 1"
     * @throws InvalidPayloadException naming the part and the path of the first suspicious value
     */
    public static void check(JsonNode node, String where) {
        String found = find(node, "$", 0);
        if (found != null) {
            throw new InvalidPayloadException(
                    where + " " + found + "; refused: jrq never lets payload data name a class or carry "
                            + "serialized Java objects (arguments are decoded only into the method's declared parameter types)");
        }
    }

    private static String find(JsonNode n, String path, int depth) {
        if (n == null || depth > 200) {
            return null;
        }
        if (n.isTextual()) {
            return serialized(n.textValue()) ? "holds a Java serialization stream at " + path : null;
        }
        if (n.isBinary()) {
            return "holds binary data at " + path;
        }
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (MARKER_KEYS.contains(e.getKey())) {
                    return "carries the polymorphic type marker '" + e.getKey() + "' at " + path;
                }
                String inner = find(e.getValue(), path + "." + e.getKey(), depth + 1);
                if (inner != null) {
                    return inner;
                }
            }
            return null;
        }
        if (n.isArray()) {
            if (n.size() == 2
                    && n.get(0).isTextual()
                    && n.get(1).isContainerNode()
                    && CLASS_NAME.matcher(n.get(0).textValue()).matches()) {
                return "is a polymorphic type wrapper [\"" + n.get(0).textValue() + "\", ...] at " + path;
            }
            for (int i = 0; i < n.size(); i++) {
                String inner = find(n.get(i), path + "[" + i + "]", depth + 1);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    /**
     * @param s a string value
     * @return true when it starts like a Java serialization stream, raw, base64 or hex
     */
    public static boolean serialized(String s) {
        if (s.length() >= 2 && s.charAt(0) == '\u00AC' && s.charAt(1) == '\u00ED') {
            return true;
        }
        String t = s.stripLeading();
        return t.startsWith("rO0AB")
                || (t.length() >= 8
                        && t.substring(0, 8).toLowerCase(Locale.ROOT).equals("aced0005"));
    }
}
