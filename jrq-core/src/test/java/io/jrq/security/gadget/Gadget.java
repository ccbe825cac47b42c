package io.jrq.security.gadget;

/**
 * Stands for a deserialization gadget: its static initializer records that it ran, so a test can
 * prove that naming it in a payload never even initialised the class. Outside every allowed package.
 */
public final class Gadget {
    static {
        System.setProperty("jrq.gadget.initialised", "true");
    }

    private Gadget() {}

    /** What a payload would try to call. */
    public static void run() {
        System.setProperty("jrq.gadget.ran", "true");
    }
}
