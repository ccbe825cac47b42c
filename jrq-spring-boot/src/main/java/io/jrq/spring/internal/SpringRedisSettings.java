package io.jrq.spring.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Spring's own Redis settings ({@code spring.data.redis.*}) as jrq reads them. They are bound here
 * from the environment rather than taken from Spring Data Redis' properties class, so that jrq
 * needs neither Spring Data Redis nor the module that holds that class (it moved in Spring Boot 4).
 *
 * @param url a full URL, which takes precedence over host, port, user, password and database
 * @param host the host
 * @param port the port
 * @param username the ACL user
 * @param password the password
 * @param database the database index
 * @param ssl whether and how TLS is used
 * @param sentinel the Sentinel settings, or null
 * @param cluster the Cluster settings, or null
 */
public record SpringRedisSettings(
        String url,
        String host,
        Integer port,
        String username,
        String password,
        Integer database,
        Ssl ssl,
        Sentinel sentinel,
        Cluster cluster) {
    /** The prefix Spring Boot reads its Redis settings from. */
    public static final String PREFIX = "spring.data.redis";

    /**
     * @param enabled whether TLS is on; when unset, on when a bundle is named
     * @param bundle the name of the SSL bundle holding the trust (and key) material
     */
    public record Ssl(Boolean enabled, String bundle) {
        boolean on() {
            return enabled != null ? enabled : bundle != null;
        }
    }

    /**
     * @param master the name of the master the sentinels watch
     * @param nodes the sentinels as {@code host:port}
     * @param username a user for the sentinels themselves
     * @param password a password for the sentinels themselves
     */
    public record Sentinel(String master, List<String> nodes, String username, String password) {}

    /** @param nodes the seed nodes as {@code host:port} */
    public record Cluster(List<String> nodes) {}

    /**
     * @param environment the application's environment
     * @return the settings found under {@value #PREFIX}, absent ones null
     */
    public static SpringRedisSettings bind(Environment environment) {
        return Binder.get(environment)
                .bind(PREFIX, SpringRedisSettings.class)
                .orElseGet(() -> new SpringRedisSettings(null, null, null, null, null, null, null, null, null));
    }

    /** @return true when TLS is asked for, by {@code ssl.*} or a {@code rediss://} URL */
    public boolean tls() {
        return (ssl != null && ssl.on())
                || (url != null && url.toLowerCase(Locale.ROOT).startsWith("rediss"));
    }

    /** @return the SSL bundle's name, or null */
    public String sslBundle() {
        return ssl == null ? null : ssl.bundle();
    }

    /**
     * @return a jrq URL for these settings: the given URL (made {@code rediss} when TLS is on), else
     *     a cluster, sentinel or standalone URL from the parts
     * @throws IllegalStateException for settings jrq's URL cannot express
     */
    public String toJrqUrl() {
        if (url != null && !url.isBlank()) {
            return tls() && url.startsWith("redis://") ? "rediss://" + url.substring("redis://".length()) : url;
        }
        String userInfo = userInfo();
        if (cluster != null && cluster.nodes() != null && !cluster.nodes().isEmpty()) {
            return (tls() ? "rediss-cluster://" : "redis-cluster://") + userInfo + String.join(",", cluster.nodes());
        }
        String db = database == null || database == 0 ? "" : "/" + database;
        if (sentinel != null && sentinel.master() != null) {
            if (sentinel.password() != null || sentinel.username() != null) {
                throw new IllegalStateException(
                        PREFIX + ".sentinel.username/password (credentials of the sentinels"
                                + " themselves) cannot be expressed in a jrq URL; set jrq.url to a redis-sentinel:// URL instead");
            }
            if (sentinel.nodes() == null || sentinel.nodes().isEmpty()) {
                throw new IllegalStateException(
                        PREFIX + ".sentinel.master is set but " + PREFIX + ".sentinel.nodes is empty");
            }
            return "redis-sentinel://" + userInfo + String.join(",", sentinel.nodes()) + db + "#" + sentinel.master();
        }
        String h = host == null || host.isBlank() ? "localhost" : host;
        int p = port == null ? 6379 : port;
        return (tls() ? "rediss://" : "redis://") + userInfo + h + ":" + p + db;
    }

    private String userInfo() {
        if (password == null && username == null) {
            return "";
        }
        String user = username == null ? "" : encode(username);
        return user + (password == null ? "" : ":" + encode(password)) + "@";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        // Never the password: this record may end up in a startup failure's message.
        return "SpringRedisSettings[host=" + host + ", port=" + port + ", username=" + username + ", password="
                + (password == null ? "null" : "***") + ", url=" + (url == null ? "null" : "(set)") + "]";
    }
}
