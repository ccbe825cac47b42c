package io.jrq.internal.codec;

import java.util.regex.Pattern;

/**
 * The rules for what names a job's function: a handler name or a {@code class::method}. Enqueue,
 * recurring jobs, worker registration and the command line all check against these, so a name one
 * of them accepts is one the others accept. The checks answer yes or no and leave the throwing to
 * the caller, because each entry point reports a bad name with its own exception type and wording.
 */
public final class Names {
    /** What a handler name may be, as the error messages state it; kept next to the pattern it describes. */
    public static final String HANDLER_RULE = "1-200 characters of A-Z a-z 0-9 _ . : -";
    private static final Pattern HANDLER = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
    /** {@code binary.class.Name::method}; the worker checks the rest (allowed package, method exists). */
    private static final Pattern METHOD =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*::[A-Za-z_$][A-Za-z0-9_$]*");

    private Names() {
    }

    /**
     * @param name a handler name, or null
     * @return true when it is one: {@link #HANDLER_RULE}, and no {@code ::}, which would make it a method
     */
    public static boolean isHandlerName(String name) {
        return name != null && HANDLER.matcher(name).matches() && !name.contains("::");
    }

    /**
     * @param fn a function name, or null
     * @return true when it has the shape of {@code com.example.Jobs::method}
     */
    public static boolean isMethodName(String fn) {
        return fn != null && METHOD.matcher(fn).matches();
    }
}
