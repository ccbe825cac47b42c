package io.jrq.redisserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills servers that are still running when the JVM exits.
 *
 * <p>A test that forgets to close a server, or a test run or demo aborted with Ctrl-C, would
 * otherwise leave redis-server processes behind that hold ports and fill /tmp across runs.
 */
final class Reaper {

    private static final Set<RedisProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Thread hook = new Thread(Reaper::reapAll, "jrq-redis-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private Reaper() {}

    static void register(RedisProcess server) {
        LIVE.add(server);
    }

    static void unregister(RedisProcess server) {
        LIVE.remove(server);
    }

    private static void reapAll() {
        for (RedisProcess server : LIVE) {
            server.reap();
        }
    }

    /** Deletes a directory tree, tolerating files that vanish meanwhile (redis rewrites its AOF). */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<Path>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
