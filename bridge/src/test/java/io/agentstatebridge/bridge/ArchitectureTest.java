package io.agentstatebridge.bridge;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The boundaries of the production code, held by the build: `mvn verify` fails when one is
 * crossed, and the message says how to fix it. Test code is not checked: tests may reach anywhere.
 */
class ArchitectureTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.agentstatebridge.bridge");

    @Test
    void onlyTheEngineUsesTheConnector() {
        noClasses()
                .that().resideOutsideOfPackage("io.agentstatebridge.bridge.engine")
                .should().dependOnClassesThat().resideInAnyPackage("io.debezium..", "org.apache.kafka..")
                .because("only bridge.engine may use Debezium and Kafka Connect types: it adapts the connector's records "
                        + "to projections' RowChange and ChangeBatch. Move the code that needs the connector into "
                        + "bridge.engine, or pass it the adapted values instead")
                .check(PRODUCTION);
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching("io.agentstatebridge.bridge.(**)")
                .should().beFreeOfCycles()
                .because("packages depend one way (cli on engine, engine on status, metrics and http, all of them on "
                        + "lifecycle). Move the type both sides need into a package both use, as bridge.lifecycle is for "
                        + "engine, status and metrics, or invert the call with a callback")
                .check(PRODUCTION);
    }

    @Test
    void productionCodeLeavesTheToolsOut() {
        noClasses()
                .should().dependOnClassesThat().resideInAnyPackage("io.agentstatebridge.tools..",
                        "io.agentstatebridge.loadgen..", "io.zonky..")
                .because("the production jar holds what a deployment runs: the demo, bench, soak, load generator and "
                        + "embedded PostgreSQL live in the tools and loadgen modules. Move the code there, or into "
                        + "bridge's test sources if only tests need it")
                .check(PRODUCTION);
    }
}
