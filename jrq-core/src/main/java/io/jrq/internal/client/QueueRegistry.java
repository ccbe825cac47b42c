package io.jrq.internal.client;

import io.jrq.internal.Keys;
import io.jrq.internal.redis.Redis;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the registry of queue names ({@code jrq:queues}). Anything that can write to Redis can add
 * a member there, so a member that is not a valid queue name (or not even UTF-8) is left out with a
 * warning instead of failing every listing that reads the registry: the admin API, the CLI's
 * {@code info}, {@code queue list}, {@code failed list}, the search of a job by id, recurring jobs.
 */
final class QueueRegistry {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(QueueRegistry.class);
    /** How many bytes of a bad member the warning shows. */
    static final int SHOWN_BYTES = 100;
    /** Bad members already warned about: one warning per member and process, not one per listing. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private static final int MAX_WARNED = 1000;

    private QueueRegistry() {}

    /**
     * @param redis the connection
     * @param keys the key builder
     * @return the valid queue names of the registry, sorted; bad members are left out with a warning
     */
    static SortedSet<String> read(Redis redis, Keys keys) {
        String key = keys.queues();
        List<byte[]> members = redis.await(redis.commands().smembersRaw(key));
        SortedSet<String> names = new TreeSet<>();
        for (byte[] m : members) {
            String name = validName(m);
            if (name != null) {
                names.add(name);
            } else {
                warn(key, m);
            }
        }
        return names;
    }

    /** @return the member as a queue name, or null when it is not UTF-8 or not a valid name */
    static String validName(byte[] member) {
        String name;
        try {
            name = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(member))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        try {
            return Keys.checkQueueName(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void warn(String key, byte[] member) {
        String shown = describe(member);
        if (WARNED.contains(shown)) {
            return;
        }
        if (WARNED.size() < MAX_WARNED) {
            WARNED.add(shown);
        }
        log.warn(
                "skipped a bad record: {} holds '{}', which is not a queue name ({}1-100 characters of A-Z a-z 0-9 _ . -)",
                key,
                shown,
                isUtf8(member) ? "" : "not UTF-8; a name is ");
    }

    private static boolean isUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * Shows a member safe for a log line or a terminal: printable ASCII as it is, every other byte
     * (control characters, escape sequences, non-ASCII, invalid UTF-8) and the backslash as
     * {@code \xNN}; at most {@value #SHOWN_BYTES} bytes, then the length.
     *
     * @param member the member's bytes
     * @return the member, escaped and truncated
     */
    static String describe(byte[] member) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(member.length, SHOWN_BYTES);
        for (int i = 0; i < n; i++) {
            int c = member[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        if (member.length > n) {
            b.append("... (").append(member.length).append(" bytes)");
        }
        return b.toString();
    }
}
