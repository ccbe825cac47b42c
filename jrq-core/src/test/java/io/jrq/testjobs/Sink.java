package io.jrq.testjobs;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Allowed methods whose parameter types are as loose as Java allows (Object, Serializable, raw
 * collections): each returns the class of what it was given, so a test sees what the decoder made
 * of the payload's data.
 */
public final class Sink {
    private Sink() {}

    /** @param o anything @return its class name */
    public static String object(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }

    /** @param s anything serializable @return its class name */
    public static String serializable(Serializable s) {
        return s == null ? "null" : s.getClass().getName();
    }

    /** @param m a map of anything @return the class names of its values */
    public static String map(Map<String, Object> m) {
        return m.values().stream().map(Sink::object).toList().toString();
    }

    /** @param l a list of anything @return the class names of its elements */
    public static String list(List<Object> l) {
        return l.stream().map(Sink::object).toList().toString();
    }

    /** @param s a string @return its length */
    public static int text(String s) {
        return s.length();
    }
}
