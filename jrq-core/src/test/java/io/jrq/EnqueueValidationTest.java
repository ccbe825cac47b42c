package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrq.testjobs.Greeter;
import io.jrq.testjobs.Jobs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What is refused at enqueue time, with which message; runs in inline mode, without Redis. */
class EnqueueValidationTest {
    private final Jrq jrq = Jrq.inline();
    private final Queue q = jrq.queue("validation");

    @AfterEach
    void close() {
        jrq.close();
    }

    public static String upper(String s) {
        return s.toUpperCase(java.util.Locale.ROOT);
    }

    public static int length(InputStream in) {
        return 0;
    }

    public static int count(Object o) {
        return 1;
    }

    /** No properties: Jackson cannot write it. */
    static final class Opaque {}

    @Test
    void refusesACapturingLambdaWithAnExplanation() {
        String prefix = "x";
        assertThatThrownBy(() -> q.enqueue((String s) -> prefix + s, "a"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("not a lambda")
                .hasMessageContaining("static method");
    }

    @Test
    void refusesANonCapturingLambdaToo() {
        assertThatThrownBy(() -> q.enqueue((String s) -> s, "a"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("method reference");
    }

    @Test
    void refusesAReferenceBoundToAnObject() {
        Greeter g = new Greeter();
        assertThatThrownBy(() -> q.enqueue(g::greet, "Ann"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("bound to an object")
                .hasMessageContaining("InstanceResolver");
    }

    @Test
    void refusesAnArgumentThatIsNotJson() {
        assertThatThrownBy(() -> q.enqueue(EnqueueValidationTest::length, new ByteArrayInputStream(new byte[1])))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("argument 1")
                .hasMessageContaining("JSON");
        assertThatThrownBy(() -> q.enqueue(EnqueueValidationTest::count, new Opaque()))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("cannot be written as JSON");
    }

    @Test
    void refusesAnArgumentThatLosesStateOnTheWay() {
        // A Thread serialises to a bean view, but no worker could rebuild the thread from it.
        assertThatThrownBy(() -> q.enqueue(EnqueueValidationTest::count, Thread.currentThread()))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("argument 1");
    }

    @Test
    void refusesNullForAPrimitive() {
        Integer none = null;
        assertThatThrownBy(() -> q.enqueue(Jobs::add, none, 1))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("null");
    }

    @Test
    void refusesPayloadsOverTheLimit() {
        Jrq small = Jrq.inline(JrqOptions.builder().maxPayloadBytes(2048).build());
        String big = "x".repeat(5000);
        assertThatThrownBy(() -> small.queue("q").enqueue(EnqueueValidationTest::upper, big))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("over the limit of 2048 bytes");
    }

    @Test
    void refusesBadHandlerNamesAndQueueNames() {
        assertThatThrownBy(() -> q.enqueue("a::b::c")).isInstanceOf(InvalidJobException.class);
        assertThatThrownBy(() -> q.enqueue("not a name")).isInstanceOf(InvalidJobException.class);
        assertThat(q.enqueue("io.jrq.testjobs.Jobs::add", 2, 3)
                        .as(Integer.class)
                        .result())
                .contains(5);
        assertThatThrownBy(() -> jrq.queue("bad name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad name");
    }

    @Test
    void inlineModeRunsJobsInTheCaller() {
        Job<Integer> job = q.enqueue(Jobs::add, 2, 3);
        assertThat(job.status()).isEqualTo(JobStatus.FINISHED);
        assertThat(job.result()).contains(5);
        assertThat(q.enqueue(Jobs::move, new Jobs.Point(1, 2), 3).result()).contains(new Jobs.Point(4, 2));
        assertThat(q.enqueue(Jobs::total, List.of(1, 2, 3)).await(java.time.Duration.ofSeconds(1)))
                .isEqualTo(6);
        assertThat(q.enqueue(Greeter.class, Greeter::greet, "Ann").result()).contains("Hello, Ann");
        // An overloaded method needs its shape spelled out; the payload then names the parameter types.
        assertThat(q.enqueue((Fn.F1<Integer, String>) Jobs::over, 7).result()).contains("int:7");
        assertThat(q.enqueue((Fn.F1<String, String>) Jobs::over, "7").result()).contains("string:7");
        Job<String> failed = q.enqueue(Jobs::fail, "boom");
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).hasValueSatisfying(e -> {
            assertThat(e.type()).isEqualTo(IllegalStateException.class.getName());
            assertThat(e.message()).isEqualTo("boom");
            assertThat(e.stackTrace()).contains("Jobs.fail");
        });
        assertThatThrownBy(() -> failed.await(java.time.Duration.ofSeconds(1)))
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("boom");
    }

    @Test
    void inlineModeUsesHandlersOfTheStartedWorker() {
        jrq.worker("validation")
                .handler("greet", ctx -> "hi " + ctx.arg(0, String.class))
                .start();
        assertThat(q.enqueue("greet", "Bob").result()).contains("hi Bob");
    }
}
