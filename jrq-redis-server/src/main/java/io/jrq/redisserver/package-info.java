/**
 * A temporary {@code redis-server} as a child process: {@link io.jrq.redisserver.RedisBinary}
 * finds an executable, {@link io.jrq.redisserver.RedisProcess} runs it on a free port of
 * 127.0.0.1 with a generated config and stops it again (or kills it when the JVM exits).
 *
 * <p>It exists so that {@code jrq demo} can start a Redis on a machine that has none without the
 * command line carrying the test kit, and it is the process layer under
 * {@code io.jrq.testkit.RedisServer}. Applications that want a Redis for their tests should use
 * jrq-testkit, whose API is the stable one.
 *
 * <h2>Which redis-server runs</h2>
 * <ol>
 *   <li>the binary packed in the {@code com.github.codemonstur:embedded-redis} jar (Redis 6.2)
 *       if forced by the system property {@code jrq.redis.embedded=true} or the environment
 *       variable {@code JRQ_REDIS_EMBEDDED=true};</li>
 *   <li>the path in the system property {@code jrq.redis.server} or the environment variable
 *       {@code JRQ_REDIS_SERVER};</li>
 *   <li>{@code redis-server} on the {@code PATH};</li>
 *   <li>the embedded binary (Linux and macOS on amd64 and arm64), copied once per JVM to a
 *       temporary file.</li>
 * </ol>
 */
package io.jrq.redisserver;
