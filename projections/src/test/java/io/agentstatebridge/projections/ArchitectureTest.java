package io.agentstatebridge.projections;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The projections know nothing of any change source, and their packages depend one way. The
 * build's enforcer holds the same for artifacts: no connector library on this module's classpath.
 */
class ArchitectureTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.agentstatebridge.projections");

    @Test
    void knowsNothingOfTheConnector() {
        noClasses()
                .should().dependOnClassesThat().resideInAnyPackage("io.debezium..", "org.apache.kafka..",
                        "io.agentstatebridge.bridge..")
                .because("projections takes batches of RowChange from any source; the bridge adapts the connector's "
                        + "records to them in bridge.engine. Keep connector types there")
                .check(PRODUCTION);
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching("io.agentstatebridge.projections.(**)")
                .should().beFreeOfCycles()
                .because("packages depend one way (change at the bottom). Move the type both sides need into a package "
                        + "both use, or invert the call with a callback")
                .check(PRODUCTION);
    }
}
