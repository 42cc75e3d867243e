package io.agentstatebridge.client;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The client is plain JDBC for agent code: it needs neither the bridge nor the connector at run
 * time (the build's enforcer keeps their artifacts off its classpath as well).
 */
class ArchitectureTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.agentstatebridge.client");

    @Test
    void needsNeitherTheBridgeNorTheConnector() {
        noClasses()
                .should().dependOnClassesThat().resideInAnyPackage("io.debezium..", "org.apache.kafka..",
                        "io.agentstatebridge.bridge..", "io.agentstatebridge.tools..", "io.agentstatebridge.loadgen..")
                .because("agent code runs the client alone; what it shares with the bridge is SQL, in the sql module. "
                        + "Move shared statements there rather than importing bridge code")
                .check(PRODUCTION);
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching("io.agentstatebridge.client.(**)")
                .should().beFreeOfCycles()
                .because("packages depend one way; move the type both sides need into a package both use")
                .allowEmptyShould(true) // one package today
                .check(PRODUCTION);
    }
}
