package io.agentstatebridge.loadgen;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The load generator is plain JDBC writing to the write side; it knows nothing of the bridge. */
class ArchitectureTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.agentstatebridge.loadgen");

    @Test
    void knowsNothingOfTheBridge() {
        noClasses()
                .should().dependOnClassesThat().resideInAnyPackage("io.agentstatebridge.bridge..",
                        "io.agentstatebridge.projections..", "io.agentstatebridge.tools..", "io.debezium..")
                .because("the bridge's and the client's tests run the load generator against the write side only; "
                        + "anything that needs the bridge belongs in the tools module")
                .check(PRODUCTION);
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching("io.agentstatebridge.loadgen.(**)")
                .should().beFreeOfCycles()
                .because("packages depend one way; move the type both sides need into a package both use")
                .allowEmptyShould(true) // one package today
                .check(PRODUCTION);
    }
}
