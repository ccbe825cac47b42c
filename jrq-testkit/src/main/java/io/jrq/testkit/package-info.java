/**
 * Real Redis for tests: {@link io.jrq.testkit.RedisServer} and {@link io.jrq.testkit.RedisCluster}
 * start genuine {@code redis-server} processes on free ports of 127.0.0.1, and
 * {@link io.jrq.testkit.RedisExtension} injects them into JUnit 5 tests.
 *
 * <p>Real servers rather than mocks, because what a queue must get right (blocking pops, Lua
 * scripts, cluster slot rules, crashes and restarts) is exactly what fakes get wrong.
 *
 * <h2>Which redis-server runs</h2>
 * <ol>
 *   <li>{@link io.jrq.testkit.RedisServer.Builder#binary(java.nio.file.Path)} if set;</li>
 *   <li>the binary packed in the {@code com.github.codemonstur:embedded-redis} jar (Redis 6.2)
 *       if forced by {@link io.jrq.testkit.RedisServer.Builder#embedded(boolean)}, the system
 *       property {@code jrq.redis.embedded=true} or the environment variable
 *       {@code JRQ_REDIS_EMBEDDED=true};</li>
 *   <li>the path in the system property {@code jrq.redis.server} or the environment variable
 *       {@code JRQ_REDIS_SERVER};</li>
 *   <li>{@code redis-server} on the {@code PATH};</li>
 *   <li>the embedded binary (Linux and macOS on amd64 and arm64), copied once per JVM to a
 *       temporary file.</li>
 * </ol>
 */
package io.jrq.testkit;
