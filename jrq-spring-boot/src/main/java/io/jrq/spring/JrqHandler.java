package io.jrq.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers a method of a Spring bean as a jrq handler, so that
 * {@code queue.enqueue("send-email", to, subject)} (from Java, another language or the CLI) runs it
 * on this application's worker:
 *
 * <pre>{@code
 * @Component
 * class Mailer {
 *     @JrqHandler("send-email")
 *     void send(String to, String subject) { ... }
 * }
 * }</pre>
 *
 * <p>Each parameter takes the job's next argument, decoded as JSON into the parameter's type; a
 * parameter of type {@link io.jrq.JobContext} takes the running job's context instead and consumes no
 * argument. What the method returns is the job's result; what it throws fails the job. The name is
 * checked when the context starts: a bad or duplicate name fails the start, naming the bean and method.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface JrqHandler {
    /**
     * @return the handler's name as producers write it: 1-200 characters of {@code A-Z a-z 0-9 _ . : -}
     *     without {@code ::}; {@code ${...}} placeholders are resolved
     */
    String value();
}
