package io.jrq.security.gadget;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/** A Serializable class whose readObject records that Java deserialization happened. */
public final class SerialGadget implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Some state, so the stream is a real object graph. */
    public String command = "touch /tmp/jrq-serial-pwned";

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        System.setProperty("jrq.gadget.deserialized", "true");
    }
}
