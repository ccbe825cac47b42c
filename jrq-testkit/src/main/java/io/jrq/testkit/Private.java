package io.jrq.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@link RedisExtension} for a server or cluster of the test's own instead of the shared
 * one.
 *
 * <p>Use it for tests that stop, kill, pause, restart or flush Redis, or change its
 * configuration: doing that to the shared server would break other tests. The private instance
 * lives as long as the scope it was injected into (the test method, or the class for
 * {@code @BeforeAll} parameters) and is closed afterwards.
 *
 * <pre>{@code
 * @Test
 * void survivesCrash(@Private RedisServer redis) {
 *   redis.kill();
 *   redis.restart();
 * }
 * }</pre>
 */
@Documented
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface Private {}
