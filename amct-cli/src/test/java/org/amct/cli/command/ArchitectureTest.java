package org.amct.cli.command;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shape of amct-cli that docs/design/STYLE.md asks for. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        // This module's classes only: scanning the whole module path takes many seconds.
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPath(Path.of("target", "classes"));
    }

    @Test
    void importedTheCommands() {
        org.junit.jupiter.api.Assertions.assertTrue(
                classes.contain(DecomposeCommand.class), "target/classes was not imported");
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("org.amct.(**)")
                .should()
                .beFreeOfCycles()
                .because("Main sits on top of the commands")
                .check(classes);
    }

    @Test
    void cliNeverNamesABackend() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.amct.backend..")
                .because("backends are found through ServiceLoader only")
                .check(classes);
    }

    @Test
    void onlyMainTouchesTheStandardStreams() {
        noClasses()
                .that()
                .doNotHaveSimpleName("Main")
                .should()
                .accessField(System.class, "out")
                .orShould()
                .accessField(System.class, "err")
                .because("commands print through picocli's writers so tests capture them")
                .check(classes);
    }
}
