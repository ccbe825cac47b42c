package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrq.security.AclRule;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.Private;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Password and ACL-user URLs. */
@ExtendWith(RedisExtension.class)
class AuthIT {
    @Test
    void connectsWithAnAclUserAndPassword(@Private RedisServer redis) {
        // The rule docs/SECURITY.md recommends, read from it (LeastPrivilegeIT tests it in depth).
        AclRule.create(redis, "app", "s3cret", "jrq", false);
        String url = "redis://app:s3cret@127.0.0.1:" + redis.port();
        try (Jrq jrq = Jrq.connect(url);
                Worker w = jrq.worker("auth")
                        .allowPackages("io.jrq.testjobs")
                        .handleSignals(false)
                        .start()) {
            assertThat(jrq.queue("auth").enqueue(Jobs::add, 1, 2).await(Duration.ofSeconds(10)))
                    .isEqualTo(3);
            assertThat(jrq.queue("auth")
                            .in(Duration.ofMillis(200))
                            .enqueue(Jobs::add, 2, 2)
                            .await(Duration.ofSeconds(10)))
                    .isEqualTo(4);
            assertThat(jrq.admin().queue("auth").count(JobStatus.FINISHED)).isEqualTo(2);
        }
        assertThatThrownBy(() -> Jrq.connect("redis://app:wrong@127.0.0.1:" + redis.port()))
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + redis.port())
                .hasMessageNotContaining("wrong");
    }
}
