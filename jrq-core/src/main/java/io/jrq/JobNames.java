package io.jrq;

import java.util.regex.Pattern;

/**
 * The rules for the names jobs are filed and called under: queue names, handler names, and methods
 * named as text ({@code com.example.Jobs::send}). jrq checks every name it is given against these
 * (enqueue, workers, recurring jobs, the command line), so a tool that checks a name here first
 * accepts exactly what jrq will.
 *
 * <pre>{@code
 * String queue = JobNames.checkQueueName(args[0]);   // or IllegalArgumentException naming the value
 * if (!JobNames.isHandlerName(name) && !JobNames.isMethodName(name)) {
 *     throw new IllegalArgumentException("a handler name is " + JobNames.HANDLER_RULE);
 * }
 * }</pre>
 *
 * <p>The name checks answer yes or no and leave the throwing to the caller, since each entry point
 * words a bad name its own way and throws its own exception type.
 */
public final class JobNames {
    /** What a handler name may be, in the words jrq's error messages use. */
    public static final String HANDLER_RULE = "1-200 characters of A-Z a-z 0-9 _ . : -";

    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    private static final Pattern HANDLER = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
    /** {@code binary.class.Name::method}; the worker checks the rest (allowed package, method exists). */
    private static final Pattern METHOD =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*::[A-Za-z_$][A-Za-z0-9_$]*");

    private JobNames() {}

    /**
     * @param name a queue name, or null
     * @return true when it is one: 1-100 characters of {@code A-Z a-z 0-9 _ . -}
     */
    public static boolean isQueueName(String name) {
        return name != null && QUEUE.matcher(name).matches();
    }

    /**
     * @param name a queue name
     * @return the name, if valid
     * @throws IllegalArgumentException naming the bad value otherwise
     */
    public static String checkQueueName(String name) {
        if (!isQueueName(name)) {
            throw new IllegalArgumentException(
                    "queue name must be 1-100 characters of A-Z a-z 0-9 _ . -, got: '" + name + "'");
        }
        return name;
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
     * @return true when it has the shape of {@code com.example.Jobs::method}: a class's binary name,
     *     {@code ::} and a method name (whether the class and method exist is the worker's to find)
     */
    public static boolean isMethodName(String fn) {
        return fn != null && METHOD.matcher(fn).matches();
    }
}
