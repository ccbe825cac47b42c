package io.jrq.redisserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds TCP ports on 127.0.0.1 that nothing is listening on.
 *
 * <p>A port found here is only free at the moment it is checked; another process can take it
 * before it is used. Callers that start a server must therefore be ready to retry with another
 * port, as {@link RedisProcess#start()} does.
 */
public final class FreePorts {

    private static final int MAX_ATTEMPTS = 200;

    /**
     * Ports already handed out by this JVM: the kernel may offer a just-closed port again, and two
     * servers started in parallel in one JVM must not both get it.
     */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /**
     * Returns a port on 127.0.0.1 that was free a moment ago and that this JVM has not handed out
     * before.
     *
     * @return a port number between 1024 and 65535
     * @throws IllegalStateException if no such port could be found
     */
    public static int find() {
        return findWithCompanion(0);
    }

    /**
     * Like {@link #find()}, also requiring {@code port + offset} to be free, for servers that listen
     * on a second port at a fixed distance (a Redis cluster node's bus is at port + 10000).
     *
     * @param offset the distance of the second port, or 0 for none
     * @return a port number between 1024 and 65535 whose companion is below 65536 too
     * @throws IllegalStateException if no such port could be found
     */
    public static int findWithCompanion(int offset) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int port = bindEphemeral();
            if (offset != 0 && (port + offset > 65535 || !isFree(port + offset))) {
                continue;
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port found on 127.0.0.1 after " + MAX_ATTEMPTS + " attempts");
    }

    private static int bindEphemeral() {
        try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind an ephemeral port on 127.0.0.1", e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, loopback())) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    /** The servers bind 127.0.0.1 explicitly, so probe that address and not whatever localhost is. */
    private static InetAddress loopback() throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    }
}
