package io.jrq.cli;

import io.jrq.JobNames;

/**
 * Checks the FUNCTION of a job as typed: a method {@code com.example.Jobs::method} or a handler name.
 * The rules are the core's own ({@link JobNames}), so the command line refuses exactly what an enqueue
 * would, only with wording for the command line.
 */
final class Functions {
    private Functions() {}

    /**
     * @param fn a function as typed
     * @return null when it is a well-formed method or handler name, else why not
     */
    static String problem(String fn) {
        if (fn == null || fn.isBlank()) {
            return "the function is empty; give com.example.Jobs::method or a handler name";
        }
        if (fn.contains("::")) {
            return JobNames.isMethodName(fn)
                    ? null
                    : "'" + fn
                            + "' is not a method name; write the class's full name, '::' and the method: com.example.Jobs::send";
        }
        return JobNames.isHandlerName(fn)
                ? null
                : "'" + fn + "' is neither a method (com.example.Jobs::send) nor a handler name ("
                        + JobNames.HANDLER_RULE + ")";
    }
}
