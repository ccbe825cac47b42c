package io.jrq;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.jrq.internal.redis.Script;
import io.jrq.internal.redis.Scripts;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of jrq-core that the build enforces, read from the main classes (not the tests, not
 * the jars): what the public API shows, which internal packages may depend on which, and where the
 * optional and the Redis client libraries may be used. docs/internals.md, "Boundaries", says why.
 */
class ArchitectureTest {
    private static final String API = "io.jrq";
    private static final String INTERNAL = "io.jrq.internal..";
    /** jrq-core's main classes, read once for every rule. */
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.jrq");

    /**
     * No public or protected member of a public API type names an internal type: not as a
     * parameter, a return or field type, a thrown type, a type argument or bound, nor as a supertype.
     * A user compiling against jrq never has to see {@code io.jrq.internal}, and internals can change
     * without changing a signature users compile against. (Package-private constructors and methods
     * that take internal types, such as {@code Queue(Backend, ...)}, are how the API is wired and are
     * not visible to users.)
     */
    @Test
    void apiSignaturesShowNoInternalTypes() {
        classes()
                .that()
                .resideInAPackage(API)
                .and(isVisibleToUsers())
                .should(exposeNoInternalTypes())
                .because("io.jrq is the only package users compile against")
                .check(CORE);
    }

    /**
     * The internal packages form no dependency cycle, so each can be read, tested and changed with
     * only the packages below it in mind. The classes directly in {@code io.jrq.internal} (Keys,
     * LogText) count as one package.
     */
    @Test
    void internalPackagesHaveNoCycles() {
        slices().assignedFrom(internalPackages()).should().beFreeOfCycles().check(CORE);
    }

    /**
     * Between the client side and the worker the dependency goes one way: the client starts workers
     * (and inline mode runs jobs through the worker's invoker), the worker never reaches back. What
     * both need, the scripts and the dependency release, is in internal.redis; a running worker's
     * handle is in internal.worker.
     */
    @Test
    void workerDoesNotDependOnClient() {
        noClasses()
                .that()
                .resideInAPackage("io.jrq.internal.worker..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.jrq.internal.client..")
                .because("internal.client depends on internal.worker, so the reverse would be a cycle")
                .check(CORE);
    }

    /**
     * Scripts run only through ScriptGateway: no class outside internal.redis runs a script or
     * touches Lettuce's script API, so each script's KEYS, ARGV and reply are written in one place.
     */
    @Test
    void scriptsRunOnlyInsideRedis() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.jrq.internal.redis..")
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(Scripts.class, Script.class, ScriptOutputType.class)
                .because("ScriptGateway owns every script's contract (KEYS order, ARGV, reply)")
                .check(CORE);
    }

    /** The payload format depends on no other internal package: no Redis, no client, no worker. */
    @Test
    void codecIsALeaf() {
        noClasses()
                .that()
                .resideInAPackage("io.jrq.internal.codec..")
                .should()
                .dependOnClassesThat(resideInAPackage(INTERNAL).and(not(resideInAPackage("io.jrq.internal.codec.."))))
                .because("the envelope and its rules are shared by every side and must not pull in Redis or the worker")
                .check(CORE);
    }

    /** The observer events depend on no other internal package, so metrics and tracing see only them. */
    @Test
    void observeIsALeaf() {
        noClasses()
                .that()
                .resideInAPackage("io.jrq.internal.observe..")
                .should()
                .dependOnClassesThat(resideInAPackage(INTERNAL).and(not(resideInAPackage("io.jrq.internal.observe.."))))
                .check(CORE);
    }

    /**
     * Lettuce is used only in the Redis layer, internal.redis: the client and the worker send their
     * commands through its typed methods (Commands, PubSub, BlockingConnection, ScriptGateway), so
     * the driver's types, errors and connection handling stay in one package.
     */
    @Test
    void lettuceOnlyInTheRedisLayer() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.jrq.internal.redis..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.lettuce..")
                .because(
                        "the driver is an implementation detail of the Redis layer, not of the client, the worker or the API")
                .check(CORE);
    }

    /** Micrometer, an optional dependency, is reached only through JrqMetrics. */
    @Test
    void micrometerOnlyBehindJrqMetrics() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.jrq.internal.metrics..")
                .and()
                .doNotBelongToAnyOf(JrqMetrics.class)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.micrometer..", "io.jrq.internal.metrics..")
                .because("an application without Micrometer must never load a class that needs it")
                .check(CORE);
    }

    /** OpenTelemetry, an optional dependency, is reached only through JrqTracing. */
    @Test
    void openTelemetryOnlyBehindJrqTracing() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.jrq.internal.tracing..")
                .and()
                .doNotBelongToAnyOf(JrqTracing.class)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.opentelemetry..", "io.jrq.internal.tracing..")
                .because("an application without OpenTelemetry must never load a class that needs it")
                .check(CORE);
    }

    /** cron-utils is read only by the schedule package, so its types never leak into the API. */
    @Test
    void cronUtilsOnlyInSchedule() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.jrq.internal.schedule..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.cronutils..")
                .check(CORE);
    }

    /**
     * The internals depend on the API's values, exceptions and interfaces, never on its entry points:
     * the API delegates down, nothing calls back up. {@code Admin} is left out: the queue gauges of
     * JrqMetrics read through it.
     */
    @Test
    void internalsDoNotCallTheEntryPoints() {
        noClasses()
                .that()
                .resideInAPackage(INTERNAL)
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(
                        Jrq.class,
                        Queue.class,
                        Job.class,
                        Worker.class,
                        Recurring.class,
                        RecurringJob.class,
                        JrqMetrics.class,
                        JrqTracing.class)
                .check(CORE);
    }

    /**
     * jrq-core depends on none of the modules built on it (command line, dashboard, Spring Boot,
     * examples, benchmarks) nor on the test-only ones (test kit, embedded Redis).
     */
    @Test
    void coreDependsOnNoOtherModule() {
        noClasses()
                .that()
                .resideInAPackage("io.jrq..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.jrq.cli..",
                        "io.jrq.demo..",
                        "io.jrq.dashboard..",
                        "io.jrq.spring..",
                        "io.jrq.examples..",
                        "io.jrq.bench..",
                        "io.jrq.testkit..",
                        "io.jrq.redisserver..")
                .check(CORE);
    }

    /**
     * One slice per package under {@code io.jrq.internal}, named by its first segment, plus one for
     * the classes directly in it.
     */
    private static SliceAssignment internalPackages() {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String p = c.getPackageName();
                if (p.equals("io.jrq.internal")) {
                    return SliceIdentifier.of("internal");
                }
                if (!p.startsWith("io.jrq.internal.")) {
                    return SliceIdentifier.ignore();
                }
                return SliceIdentifier.of(
                        p.substring("io.jrq.internal.".length()).split("\\.")[0]);
            }

            @Override
            public String getDescription() {
                return "the packages of io.jrq.internal";
            }
        };
    }

    private static DescribedPredicate<JavaClass> isVisibleToUsers() {
        return DescribedPredicate.describe("are visible to users", ArchitectureTest::visible);
    }

    /** Public, and so is every class it is nested in. */
    private static boolean visible(JavaClass c) {
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }

    private static ArchCondition<JavaClass> exposeNoInternalTypes() {
        return new ArchCondition<>("expose no io.jrq.internal type in a public or protected signature") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                List<JavaType> types = new ArrayList<>();
                c.getSuperclass().ifPresent(types::add);
                types.addAll(c.getInterfaces());
                types.addAll(c.getTypeParameters());
                report(c.getName(), types, events, c);
                for (JavaMember m : c.getMembers()) {
                    Set<JavaModifier> mods = m.getModifiers();
                    if ((!mods.contains(JavaModifier.PUBLIC) && !mods.contains(JavaModifier.PROTECTED))
                            || mods.contains(JavaModifier.SYNTHETIC)) {
                        continue;
                    }
                    List<JavaType> used = new ArrayList<>();
                    if (m instanceof JavaCodeUnit u) {
                        used.addAll(u.getParameterTypes());
                        used.add(u.getReturnType());
                        used.addAll(u.getTypeParameters());
                        u.getThrowsClause().getTypes().forEach(used::add);
                    } else if (m instanceof JavaField f) {
                        used.add(f.getType());
                    }
                    report(m.getFullName(), used, events, c);
                }
            }
        };
    }

    private static void report(String where, List<? extends JavaType> types, ConditionEvents events, JavaClass owner) {
        // Each type once per member: a type variable's bound is also met in the parameters it types.
        Set<String> internal = new TreeSet<>();
        for (JavaType t : types) {
            for (JavaClass r : t.getAllInvolvedRawTypes()) {
                if (r.getPackageName().startsWith("io.jrq.internal")) {
                    internal.add(r.getName());
                }
            }
        }
        for (String name : internal) {
            events.add(SimpleConditionEvent.violated(owner, where + " shows internal type " + name));
        }
    }
}
