package io.jrq.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Adjusts the log level set by logback.xml (WARN to stderr unless JRQ_LOG_LEVEL says otherwise). */
final class Logging {
    private Logging() {}

    /** Logs INFO and above, unless a lower level is already configured. */
    static void verbose() {
        try {
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
                Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
                if (!root.isInfoEnabled()) {
                    root.setLevel(Level.INFO);
                }
            }
        } catch (LinkageError noLogback) {
            // Another SLF4J provider is in charge; leave its configuration alone.
        }
    }
}
