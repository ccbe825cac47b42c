package io.jrq.fault;

/** A job that tells whether its worker's JVM can load a class; it references no optional library itself. */
public final class ClassProbe {
    private ClassProbe() {}

    /** @param name a class name @return whether the worker's class loader finds it */
    public static boolean has(String name) {
        try {
            Class.forName(name, false, ClassProbe.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
