package io.jrq.cli;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.jrq.JrqOptions;

/**
 * The log converters of the command line's logback.xml: every message and stack trace is shown with
 * the credentials of any URL in it hidden by jrq's one rule ({@code user:***}), including URIs that
 * Lettuce builds and masks itself with one {@code *} per character of the password.
 */
final class RedactedLogs {
    private RedactedLogs() {}

    /** {@code %msg}, redacted. */
    public static final class Message extends MessageConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return JrqOptions.redactText(super.convert(event));
        }
    }

    /** {@code %ex}, redacted. */
    public static final class StackTrace extends ThrowableProxyConverter {
        @Override
        protected String throwableProxyToString(IThrowableProxy proxy) {
            return JrqOptions.redactText(super.throwableProxyToString(proxy));
        }
    }
}
