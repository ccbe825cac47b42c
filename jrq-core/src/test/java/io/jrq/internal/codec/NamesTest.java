package io.jrq.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The handler-name and method-name rules every entry point checks against. */
class NamesTest {
    @Test
    void handlerNames() {
        assertThat(Names.isHandlerName("send-email")).isTrue();
        assertThat(Names.isHandlerName("recurring.daily:report_2")).isTrue();
        assertThat(Names.isHandlerName("x".repeat(200))).isTrue();
        assertThat(Names.isHandlerName("x".repeat(201))).isFalse();
        assertThat(Names.isHandlerName("")).isFalse();
        assertThat(Names.isHandlerName(null)).isFalse();
        assertThat(Names.isHandlerName("no spaces")).isFalse();
        // '::' is what makes a function a method, so a handler name must not contain it.
        assertThat(Names.isHandlerName("send::email")).isFalse();
        assertThat(Names.isHandlerName("a:b")).isTrue();
    }

    @Test
    void methodNames() {
        assertThat(Names.isMethodName("com.example.Jobs::send")).isTrue();
        assertThat(Names.isMethodName("com.example.Outer$Inner::$run")).isTrue();
        assertThat(Names.isMethodName("com.example.Jobs::")).isFalse();
        assertThat(Names.isMethodName("::send")).isFalse();
        assertThat(Names.isMethodName("com..Jobs::send")).isFalse();
        assertThat(Names.isMethodName("a::b::c")).isFalse();
        assertThat(Names.isMethodName(null)).isFalse();
    }
}
