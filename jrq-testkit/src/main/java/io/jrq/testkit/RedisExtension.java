package io.jrq.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstantiationAwareExtension.ExtensionContextScope;

/**
 * Injects {@link RedisServer} and {@link RedisCluster} parameters into tests, constructors and
 * lifecycle methods.
 *
 * <p>Unannotated parameters get instances shared by the whole test run: one server and one
 * {@value #SHARED_CLUSTER_MASTERS}-master cluster, each started the first time it is asked for
 * and stopped when the run ends. Starting Redis per test would dominate the run time. Because
 * every test sees the same data, tests on a shared instance must use random key or queue names
 * and must not flush, stop, pause or reconfigure it; the shared instances refuse {@code stop},
 * {@code kill}, {@code pause}, {@code restart}, {@code flushAll} and {@code close}. Parameters
 * annotated {@link Private} get a fresh instance that is closed when their scope ends.
 *
 * <pre>{@code
 * @ExtendWith(RedisExtension.class)
 * class QueueIT {
 *   @Test
 *   void enqueues(RedisServer redis) { ... }
 *
 *   @Test
 *   void recoversFromCrash(@Private RedisServer redis) { ... }
 * }
 * }</pre>
 */
public final class RedisExtension implements ParameterResolver {

    /** Size of the shared cluster: the smallest that still spreads keys over several nodes. */
    public static final int SHARED_CLUSTER_MASTERS = 3;

    private static final Namespace NAMESPACE = Namespace.create(RedisExtension.class);

    /** Creates the extension; JUnit calls this, tests normally use {@code @ExtendWith}. */
    public RedisExtension() {}

    /**
     * Claims parameters whose declared type is exactly {@link RedisServer} or
     * {@link RedisCluster}.
     *
     * @param parameterContext the parameter to resolve
     * @param extensionContext the current scope
     * @return whether this extension provides the parameter
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == RedisServer.class || type == RedisCluster.class;
    }

    /**
     * Returns the shared instance (starting it on first use) or, for {@link Private} parameters, a
     * new one bound to the current scope.
     *
     * @param parameterContext the parameter to resolve
     * @param extensionContext the current scope
     * @return a running {@link RedisServer} or {@link RedisCluster}
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        if (parameterContext.isAnnotated(Private.class)) {
            Owned owned = new Owned(startNew(type));
            // A fresh key per instance: one method may take several private servers.
            extensionContext.getStore(NAMESPACE).put(new Object(), owned);
            return owned.resource;
        }
        Store root = extensionContext.getRoot().getStore(NAMESPACE);
        // The store creates each value once even when tests run in parallel.
        return root.getOrComputeIfAbsent(type, t -> new Owned(startShared(t)), Owned.class).resource;
    }

    /**
     * Resolves constructor parameters in the test method's scope, so that a {@link Private}
     * server injected into a constructor is closed after each test rather than piling up until
     * the class finishes.
     *
     * @param rootContext the root context
     * @return {@link ExtensionContextScope#TEST_METHOD}
     */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    private static Object startNew(Class<?> type) {
        return type == RedisServer.class ? RedisServer.start() : RedisCluster.start(SHARED_CLUSTER_MASTERS);
    }

    private static Object startShared(Class<?> type) {
        Object resource = startNew(type);
        if (resource instanceof RedisServer) {
            ((RedisServer) resource).markShared();
        } else {
            ((RedisCluster) resource).markShared();
        }
        return resource;
    }

    /**
     * Lets the JUnit store close an instance when its scope ends, bypassing the shared-instance
     * guard. Implements both interfaces so that JUnit versions before and after 5.13 close it.
     */
    @SuppressWarnings("deprecation")
    private static final class Owned implements Store.CloseableResource, AutoCloseable {
        private final Object resource;

        Owned(Object resource) {
            this.resource = resource;
        }

        @Override
        public void close() {
            if (resource instanceof RedisServer) {
                ((RedisServer) resource).release();
            } else {
                ((RedisCluster) resource).release();
            }
        }
    }
}
