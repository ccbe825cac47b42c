package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The queue-name, handler-name and method-name rules every entry point checks against. */
class JobNamesTest {
    @Test
    void queueNames() {
        assertThat(JobNames.isQueueName("reports")).isTrue();
        assertThat(JobNames.isQueueName("a.b_c-1")).isTrue();
        assertThat(JobNames.isQueueName("x".repeat(100))).isTrue();
        assertThat(JobNames.isQueueName("x".repeat(101))).isFalse();
        assertThat(JobNames.isQueueName("")).isFalse();
        assertThat(JobNames.isQueueName(null)).isFalse();
        // ':' and braces would change the queue's keys and hash tag.
        assertThat(JobNames.isQueueName("a:b")).isFalse();
        assertThat(JobNames.isQueueName("{a}")).isFalse();
        assertThat(JobNames.checkQueueName("reports")).isEqualTo("reports");
        assertThatThrownBy(() -> JobNames.checkQueueName("no spaces"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queue name must be 1-100 characters of A-Z a-z 0-9 _ . -, got: 'no spaces'");
    }

    @Test
    void handlerNames() {
        assertThat(JobNames.isHandlerName("send-email")).isTrue();
        assertThat(JobNames.isHandlerName("recurring.daily:report_2")).isTrue();
        assertThat(JobNames.isHandlerName("x".repeat(200))).isTrue();
        assertThat(JobNames.isHandlerName("x".repeat(201))).isFalse();
        assertThat(JobNames.isHandlerName("")).isFalse();
        assertThat(JobNames.isHandlerName(null)).isFalse();
        assertThat(JobNames.isHandlerName("no spaces")).isFalse();
        // '::' is what makes a function a method, so a handler name must not contain it.
        assertThat(JobNames.isHandlerName("send::email")).isFalse();
        assertThat(JobNames.isHandlerName("a:b")).isTrue();
    }

    @Test
    void methodNames() {
        assertThat(JobNames.isMethodName("com.example.Jobs::send")).isTrue();
        assertThat(JobNames.isMethodName("com.example.Outer$Inner::$run")).isTrue();
        assertThat(JobNames.isMethodName("com.example.Jobs::")).isFalse();
        assertThat(JobNames.isMethodName("::send")).isFalse();
        assertThat(JobNames.isMethodName("com..Jobs::send")).isFalse();
        assertThat(JobNames.isMethodName("a::b::c")).isFalse();
        assertThat(JobNames.isMethodName(null)).isFalse();
    }
}
