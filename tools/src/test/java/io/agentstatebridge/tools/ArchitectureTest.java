package io.agentstatebridge.tools;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The tools' packages depend one way: the commands on the tools, the tools on shared measuring code. */
class ArchitectureTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.agentstatebridge.tools");

    @Test
    void packagesFormNoCycles() {
        slices().matching("io.agentstatebridge.tools.(**)")
                .should().beFreeOfCycles()
                .because("bench and soak once imported each other. Move what two tools share into a package both use "
                        + "(as tools.measure is), or invert the call with a callback")
                .check(PRODUCTION);
    }

    @Test
    void runTheBridgeThroughItsPublicFace() {
        noClasses()
                .should().dependOnClassesThat().resideInAnyPackage("io.debezium..", "org.apache.kafka..")
                .because("the tools run the bridge as a deployment does, through bridge.engine.Bridge; connector types "
                        + "stay in bridge.engine")
                .check(PRODUCTION);
    }
}
