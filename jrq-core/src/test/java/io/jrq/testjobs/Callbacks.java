package io.jrq.testjobs;

import io.jrq.JobOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Callbacks that record what they were told. */
public final class Callbacks {
    public static final List<String> SEEN = new CopyOnWriteArrayList<>();

    private Callbacks() {}

    public static void done(JobOutcome o) {
        SEEN.add("success " + o.id() + " " + o.result(Integer.class).orElse(null));
    }

    public static void failed(JobOutcome o) {
        SEEN.add("failure " + o.id() + " " + o.error().orElseThrow().message() + " attempt " + o.attempt());
    }

    public static void stopped(JobOutcome o) {
        SEEN.add("stopped " + o.id());
    }
}
