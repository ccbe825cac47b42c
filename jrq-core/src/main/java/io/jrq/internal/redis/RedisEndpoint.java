package io.jrq.internal.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A parsed jrq Redis URL: one standalone or sentinel URI, or the seed URIs of a cluster
 * ({@code redis-cluster://[user:pass@]host:port,host:port}). {@link #describe()} names the servers
 * without credentials, for error messages and logs.
 */
public final class RedisEndpoint {
    private final List<RedisURI> uris;
    private final boolean cluster;

    private RedisEndpoint(List<RedisURI> uris, boolean cluster) {
        this.uris = uris;
        this.cluster = cluster;
    }

    /**
     * @param url a jrq Redis URL
     * @return the endpoint
     * @throws IllegalArgumentException with the URL (password masked) when it cannot be parsed
     */
    public static RedisEndpoint parse(String url) {
        try {
            String lower = url.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://")) {
                boolean tls = lower.startsWith("rediss");
                String rest = url.substring(url.indexOf("://") + 3);
                String userInfo = "";
                int at = rest.lastIndexOf('@');
                if (at >= 0) {
                    userInfo = rest.substring(0, at + 1);
                    rest = rest.substring(at + 1);
                }
                List<RedisURI> seeds = new ArrayList<>();
                for (String hostPort : rest.split(",")) {
                    String hp = hostPort.trim();
                    if (!hp.isEmpty()) {
                        seeds.add(RedisURI.create((tls ? "rediss://" : "redis://") + userInfo + hp));
                    }
                }
                if (seeds.isEmpty()) {
                    throw new IllegalArgumentException("no host");
                }
                return new RedisEndpoint(List.copyOf(seeds), true);
            }
            return new RedisEndpoint(List.of(RedisURI.create(url)), false);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid Redis URL '" + mask(url) + "': " + e.getMessage(), e);
        }
    }

    static String mask(String url) {
        return redact(url);
    }

    /**
     * Hides the credentials of a Redis URL: {@code redis://user:secret@host} becomes
     * {@code redis://user:***@host}, and a password given alone ({@code redis://secret@host}, which
     * Lettuce reads as a password) becomes {@code redis://***@host}. Everything up to the last
     * {@code @} before the host part counts as credentials, so a password holding {@code :},
     * {@code /} or {@code @} is hidden whole.
     *
     * @param url a Redis URL, or any text (returned unchanged when it holds no credentials)
     * @return the URL without its password
     */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int end = url.indexOf('?', start);
        int hash = url.indexOf('#', start);
        if (end < 0 || (hash >= 0 && hash < end)) {
            end = hash;
        }
        if (end < 0) {
            end = url.length();
        }
        int at = url.lastIndexOf('@', end - 1);
        if (at < start) {
            return url;
        }
        String userInfo = url.substring(start, at);
        int colon = userInfo.indexOf(':');
        String shown = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
        return url.substring(0, start) + shown + url.substring(at);
    }

    /** @return the URIs: one for standalone and sentinel, the seeds for a cluster */
    public List<RedisURI> uris() {
        return uris;
    }

    /** @return true for a Redis Cluster */
    public boolean isCluster() {
        return cluster;
    }

    /** @return host:port of every server named, comma separated, never a password */
    public String describe() {
        return uris.stream().map(u -> {
            if (u.getSentinels() != null && !u.getSentinels().isEmpty()) {
                return "sentinel " + u.getSentinels().stream().map(s -> s.getHost() + ":" + s.getPort())
                        .collect(Collectors.joining(",")) + " master " + u.getSentinelMasterId();
            }
            return u.getHost() + ":" + u.getPort();
        }).collect(Collectors.joining(","));
    }
}
