package io.jrq.cli;

import java.util.regex.Pattern;

/** Checks the FUNCTION of a job as typed: a method {@code com.example.Jobs::method} or a handler name. */
final class Functions {
    /** A handler name as the core accepts it: no {@code ::}. */
    private static final Pattern HANDLER = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
    /** {@code binary.class.Name::method}; the worker checks the rest (allowed package, method exists). */
    private static final Pattern METHOD =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*::[A-Za-z_$][A-Za-z0-9_$]*");

    private Functions() {
    }

    /**
     * @param fn a function as typed
     * @return null when it is a well-formed method or handler name, else why not
     */
    static String problem(String fn) {
        if (fn == null || fn.isBlank()) {
            return "the function is empty; give com.example.Jobs::method or a handler name";
        }
        if (fn.contains("::")) {
            return METHOD.matcher(fn).matches() ? null
                    : "'" + fn + "' is not a method name; write the class's full name, '::' and the method: com.example.Jobs::send";
        }
        return HANDLER.matcher(fn).matches() ? null
                : "'" + fn + "' is neither a method (com.example.Jobs::send) nor a handler name (1-200 characters of A-Z a-z 0-9 _ . : -)";
    }
}
