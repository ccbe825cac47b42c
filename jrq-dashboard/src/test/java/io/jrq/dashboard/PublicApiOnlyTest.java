package io.jrq.dashboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The dashboard is built on jrq's public API alone: no class of it depends on the core's
 * {@code io.jrq.internal} (its own {@code io.jrq.dashboard.internal} is a different package), so it
 * keeps working when the core's internals change.
 */
class PublicApiOnlyTest {
    @Test
    void dependsOnNoInternalClassOfTheCore() {
        JavaClasses dashboard = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.jrq.dashboard");
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.jrq.internal..")
                .because("the dashboard uses the public API only")
                .check(dashboard);
    }
}
