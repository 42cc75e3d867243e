package io.agentstatebridge.kafkasink;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The sink's boundaries, held by the build. The parent's enforcer rules hold the same for artifacts:
 * Kafka's libraries only in provided scope (the worker has them), Debezium not at all.
 */
class ArchitectureTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.agentstatebridge.kafkasink");

    @Test
    void onlyTheConnectPackageUsesKafkaConnect() {
        noClasses()
                .that().resideOutsideOfPackage("io.agentstatebridge.kafkasink.connect")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
                .because("kafkasink.connect adapts Connect's records and lifecycle to SinkChange and SinkApplier; applying "
                        + "and positions work on plain values. Move the code that needs Connect into kafkasink.connect, or "
                        + "pass it the adapted values instead")
                .check(PRODUCTION);
    }

    @Test
    void readsDebeziumEventsAsDataWithoutItsLibraries() {
        noClasses()
                .should().dependOnClassesThat().resideInAnyPackage("io.debezium..")
                .because("the sink reads Debezium's event format from Kafka; the source connector runs on the workers, "
                        + "so the plugin must not carry or need Debezium's classes")
                .check(PRODUCTION);
    }

    @Test
    void leavesTheBridgeAndTheToolsOut() {
        noClasses()
                .should().dependOnClassesThat().resideInAnyPackage("io.agentstatebridge.bridge..",
                        "io.agentstatebridge.tools..", "io.agentstatebridge.loadgen..", "io.zonky..")
                .because("the sink is the projections behind Kafka Connect, an alternative to the bridge: it shares the "
                        + "projections module with it, nothing else. Move what both need into projections")
                .check(PRODUCTION);
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching("io.agentstatebridge.kafkasink.(**)")
                .should().beFreeOfCycles()
                .because("packages depend one way: connect on apply, apply on position. Move the type both sides need "
                        + "into the lower package")
                .check(PRODUCTION);
    }
}
