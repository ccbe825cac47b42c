package io.jrq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One call of a function named by text, for {@link Queue#enqueueAll(Collection)}: a handler
 * registered on the workers, or a method as {@code com.example.Jobs::send}. The arguments must be
 * plain JSON data (strings, numbers, booleans, lists, maps, records, Jackson trees); the name is
 * checked when the call is enqueued.
 *
 * @param function a handler name, or {@code class::method}
 * @param args its arguments (may contain nulls)
 */
public record Call(String function, List<?> args) {
    /** Copies the arguments, keeping nulls, so that later changes to the caller's list do not leak in. */
    public Call {
        Objects.requireNonNull(function, "function");
        args = args == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
    }

    /**
     * @param function a handler name, or {@code class::method}
     * @param args its arguments
     * @return the call
     */
    public static Call of(String function, Object... args) {
        return new Call(function, args == null ? Collections.singletonList(null) : Arrays.asList(args));
    }
}
