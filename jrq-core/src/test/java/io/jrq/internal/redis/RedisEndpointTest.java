package io.jrq.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one rule for showing credentials: {@code user:***} (or {@code ***} without a user name),
 * never the password, never anything that depends on it, such as its length; wherever jrq shows a
 * URL and wherever Lettuce shows a URI jrq parsed.
 */
class RedisEndpointTest {
    private static final String SECRET = "Pw-7chars-and-some-more";

    @Test
    void redactShowsThreeStarsWhateverThePassword() {
        assertThat(RedisEndpoint.redact("redis://user:" + SECRET + "@host:6379/2"))
                .isEqualTo("redis://user:***@host:6379/2");
        assertThat(RedisEndpoint.redact("redis://" + SECRET + "@host")).isEqualTo("redis://***@host");
        assertThat(RedisEndpoint.redact("redis://:" + SECRET + "@host:6379")).isEqualTo("redis://:***@host:6379");
        assertThat(RedisEndpoint.redact("rediss://user:a:b@c/d@host:6380?timeout=5s"))
                .isEqualTo("rediss://user:***@host:6380?timeout=5s");
        assertThat(RedisEndpoint.redact("redis-sentinel://user:" + SECRET + "@h1:26379,h2:26379?sentinelMasterId=m"))
                .isEqualTo("redis-sentinel://user:***@h1:26379,h2:26379?sentinelMasterId=m");
        assertThat(RedisEndpoint.redact("redis-cluster://user:" + SECRET + "@a:7000,b:7001"))
                .isEqualTo("redis-cluster://user:***@a:7000,b:7001");
        assertThat(RedisEndpoint.redact("redis://host:6379")).isEqualTo("redis://host:6379");
        assertThat(RedisEndpoint.redact(null)).isNull();
        // The same output for a password of 1 and of 60 characters.
        assertThat(RedisEndpoint.redact("redis://u:x@h"))
                .isEqualTo(RedisEndpoint.redact("redis://u:" + "x".repeat(60) + "@h"));
    }

    @Test
    void redactTextHidesEveryUrlOfAMessageLettucesMaskIncluded() {
        assertThat(RedisEndpoint.redactText(
                        "Cannot retrieve cluster partitions from [redis://jrq:************@127.0.0.1:7000,"
                                + " redis://jrq:****@127.0.0.1:7001]"))
                .isEqualTo("Cannot retrieve cluster partitions from [redis://jrq:***@127.0.0.1:7000,"
                        + " redis://jrq:***@127.0.0.1:7001]");
        assertThat(RedisEndpoint.redactText("Trying to get a Redis connection for: rediss://u:*********@h:6380/1"))
                .isEqualTo("Trying to get a Redis connection for: rediss://u:***@h:6380/1");
        assertThat(RedisEndpoint.redactText("at redis://" + SECRET + "@h:1 and redis://h:2"))
                .isEqualTo("at redis://***@h:1 and redis://h:2");
        assertThat(RedisEndpoint.redactText("no URL here, mail me at a@b.example"))
                .isEqualTo("no URL here, mail me at a@b.example");
        assertThat(RedisEndpoint.redactText(null)).isNull();
    }

    @Test
    void lettuceShowsTheUrisJrqParsedWithThreeStarsAndConnectsWithTheSameSettings() {
        List<String> urls = List.of(
                "redis://user:" + SECRET + "@127.0.0.1:6379/3?timeout=7s&clientName=app",
                "rediss://" + SECRET + "@redis.example.com:6380",
                "redis-sentinel://user:" + SECRET + "@10.0.0.1:26379,10.0.0.2:26380/2?sentinelMasterId=mymaster",
                "redis://127.0.0.1:6379");
        for (String url : urls) {
            RedisURI ours = RedisEndpoint.parse(url).uris().get(0);
            RedisURI lettuce = RedisURI.create(url);
            String shown = ours.toString();
            assertThat(shown)
                    .as(url)
                    .doesNotContain(SECRET)
                    .doesNotContain("**** ")
                    .doesNotContainPattern("\\*{4,}");
            if (url.contains("@")) {
                assertThat(shown).as(url).containsPattern("//(user:)?\\*\\*\\*@");
            }
            // A copy with the same settings: what Lettuce connects with is unchanged.
            assertThat(ours.toURI()).as(url).isEqualTo(lettuce.toURI());
            assertThat(ours).as(url).isEqualTo(lettuce);
            RedisCredentials ourCredentials = credentials(ours);
            RedisCredentials theirs = credentials(lettuce);
            assertThat(ourCredentials.getUsername()).isEqualTo(theirs.getUsername());
            assertThat(ourCredentials.getPassword()).isEqualTo(theirs.getPassword());
            assertThat(ours.getDatabase()).isEqualTo(lettuce.getDatabase());
            assertThat(ours.getTimeout()).isEqualTo(lettuce.getTimeout());
            assertThat(ours.getClientName()).isEqualTo(lettuce.getClientName());
            assertThat(ours.isSsl()).isEqualTo(lettuce.isSsl());
            assertThat(ours.getVerifyMode()).isEqualTo(lettuce.getVerifyMode());
            assertThat(ours.getSentinelMasterId()).isEqualTo(lettuce.getSentinelMasterId());
            assertThat(ours.getSentinels()).hasSameSizeAs(lettuce.getSentinels());
            for (int i = 0; i < ours.getSentinels().size(); i++) {
                assertThat(ours.getSentinels().get(i).toURI())
                        .isEqualTo(lettuce.getSentinels().get(i).toURI());
                assertThat(ours.getSentinels().get(i).toString())
                        .doesNotContainPattern("\\*{4,}")
                        .doesNotContain(SECRET);
            }
        }
        List<RedisURI> seeds = RedisEndpoint.parse("redis-cluster://user:" + SECRET + "@a:7000,b:7001")
                .uris();
        assertThat(seeds)
                .extracting(RedisURI::toString)
                .containsExactly("redis://user:***@a:7000", "redis://user:***@b:7001");
        assertThat(credentials(seeds.get(0)).getPassword()).isEqualTo(SECRET.toCharArray());
        // A list of them, as Lettuce's messages show them.
        assertThat(seeds.toString()).isEqualTo("[redis://user:***@a:7000, redis://user:***@b:7001]");
    }

    /** What Lettuce authenticates with: the URI's credentials, through its provider. */
    private static RedisCredentials credentials(RedisURI uri) {
        return uri.getCredentialsProvider().resolveCredentials().block();
    }
}
