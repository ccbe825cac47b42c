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
                        seeds.add(redacting(RedisURI.create((tls ? "rediss://" : "redis://") + userInfo + hp)));
                    }
                }
                if (seeds.isEmpty()) {
                    throw new IllegalArgumentException("no host");
                }
                return new RedisEndpoint(List.copyOf(seeds), true);
            }
            return new RedisEndpoint(List.of(redacting(RedisURI.create(url))), false);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid Redis URL '" + mask(url) + "': " + e.getMessage(), e);
        }
    }

    static String mask(String url) {
        return redact(url);
    }

    /**
     * A copy of a parsed URI whose {@code toString()} hides the credentials as {@link #redact} does.
     * Lettuce puts URIs in its log lines and exception messages, and its own {@code toString()} shows
     * one {@code *} per character of the password, which tells its length.
     *
     * @param uri a URI as Lettuce parsed it
     * @return the same connection settings, shown without a hint of the password
     */
    static RedisURI redacting(RedisURI uri) {
        RedisURI r = new RedactedUri();
        if (uri.getHost() != null) {
            r.setHost(uri.getHost());
        }
        r.setPort(uri.getPort());
        if (uri.getSocket() != null) {
            r.setSocket(uri.getSocket());
        }
        if (uri.getSentinelMasterId() != null) {
            r.setSentinelMasterId(uri.getSentinelMasterId());
        }
        r.setDatabase(uri.getDatabase());
        if (uri.getClientName() != null) {
            r.setClientName(uri.getClientName());
        }
        if (uri.getLibraryName() != null) {
            r.setLibraryName(uri.getLibraryName());
        }
        if (uri.getLibraryVersion() != null) {
            r.setLibraryVersion(uri.getLibraryVersion());
        }
        r.applyAuthentication(uri);
        r.applySsl(uri);
        r.setTimeout(uri.getTimeout());
        for (RedisURI sentinel : uri.getSentinels()) {
            r.getSentinels().add(redacting(sentinel));
        }
        return r;
    }

    /** A Lettuce URI shown as {@link #redact} shows a URL. */
    private static final class RedactedUri extends RedisURI {
        private static final long serialVersionUID = 1L;

        @Override
        public String toString() {
            try {
                return redact(toURI().toString());
            } catch (RuntimeException e) {
                return (getHost() == null ? String.valueOf(getSocket()) : getHost() + ":" + getPort());
            }
        }
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
        return url.substring(0, start) + hide(url.substring(start, at)) + url.substring(at);
    }

    /**
     * The one rule for showing credentials: the user name, if any, then {@code ***} for the
     * password, never anything that depends on it (not even its length).
     *
     * @param userInfo what a URL holds between {@code ://} and {@code @}
     * @return {@code user:***}, or {@code ***} when there is no user name
     */
    private static String hide(String userInfo) {
        int colon = userInfo.indexOf(':');
        return colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
    }

    private static final java.util.regex.Pattern URL_CREDENTIALS =
            java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^\\s/@\\[\\](),;\"'<>]*)@");

    /**
     * Hides the credentials of every URL in a text, as {@link #redact} does for one URL: for
     * messages and log lines that quote URLs, such as Lettuce's ({@code [redis://user:****@a:1,
     * redis://user:****@b:2]} becomes {@code [redis://user:***@a:1, redis://user:***@b:2]}). A
     * password with a space, a slash or an {@code @} cannot be told apart in free text: hide a URL
     * you hold with {@link #redact}.
     *
     * @param text any text, or null
     * @return the text with {@code user:***} in place of every URL's credentials
     */
    public static String redactText(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        java.util.regex.Matcher m = URL_CREDENTIALS.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, java.util.regex.Matcher.quoteReplacement(m.group(1) + hide(m.group(2)) + "@"));
        }
        m.appendTail(b);
        return b.toString();
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
        return uris.stream()
                .map(u -> {
                    if (u.getSentinels() != null && !u.getSentinels().isEmpty()) {
                        return "sentinel "
                                + u.getSentinels().stream()
                                        .map(s -> s.getHost() + ":" + s.getPort())
                                        .collect(Collectors.joining(","))
                                + " master " + u.getSentinelMasterId();
                    }
                    return u.getHost() + ":" + u.getPort();
                })
                .collect(Collectors.joining(","));
    }
}
