package io.jrq.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The command line is built on jrq's public API alone: no class of it (commands, demo) depends on
 * {@code io.jrq.internal}, so it shows what any application can do and keeps working when the
 * internals change. Where it needs one of the core's rules, the rule is public (JobNames,
 * JrqOptions.redactUrl).
 */
class PublicApiOnlyTest {
    @Test
    void dependsOnNoInternalClassOfTheCore() {
        JavaClasses cli = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.jrq.cli", "io.jrq.demo");
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.jrq.internal..")
                .because("the command line uses the public API only")
                .check(cli);
    }
}
