package org.amct.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shape of amct-api that docs/design/DESIGN.md and docs/design/STYLE.md ask for. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("org.amct.api");
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("org.amct.(**)")
                .should()
                .beFreeOfCycles()
                .because("cycles make the layers of docs/design/DESIGN.md meaningless")
                .check(classes);
    }

    @Test
    void layersDependOnlyDownwards() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("root")
                .definedBy("org.amct.api", "org.amct.api.bench..")
                .layer("report")
                .definedBy("org.amct.api.report..")
                .layer("format")
                .definedBy("org.amct.api.format..")
                .layer("middle")
                .definedBy(
                        "org.amct.api.decompose..",
                        "org.amct.api.schema..",
                        "org.amct.api.backend..")
                .layer("base")
                .definedBy("org.amct.api.graph..", "org.amct.api.exception..", "org.amct.api.io..")
                .whereLayer("root")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("report")
                .mayOnlyBeAccessedByLayers("root")
                .whereLayer("format")
                .mayOnlyBeAccessedByLayers("root")
                .whereLayer("middle")
                .mayOnlyBeAccessedByLayers("root", "report", "format")
                .because(
                        "the entry points sit on top (root reads report, never the other way"
                                + " round: the reports take their own records); graph and"
                                + " exceptions are leaves")
                .check(classes);
    }

    @Test
    void onlyTheSchemaPackageUsesJackson() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.amct.api.schema..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.fasterxml.jackson..")
                .because("one package owns the JSON formats")
                .check(classes);
    }

    @Test
    void graphDependsOnNothingButTheJdk() {
        noClasses()
                .that()
                .resideInAPackage("org.amct.api.graph..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("java..", "org.amct.api.graph..")
                .because("the model graph is a format-neutral leaf")
                .check(classes);
    }

    @Test
    void apiNeverNamesABackend() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.amct.backend..")
                .because("backends are found through ServiceLoader only")
                .check(classes);
    }

    @Test
    void libraryCodeDoesNotPrintOrUseJulOrThrowGenericExceptions() {
        NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS
                .because("library code logs through slf4j; only the CLI prints")
                .check(classes);
        NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.because("we log through slf4j").check(classes);
        NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS
                .because("users catch AmctException subclasses")
                .check(classes);
    }

    @Test
    void noPublicStaticMutableFieldsAndLoggersArePrivateStaticFinal() {
        noFields()
                .that()
                .arePublic()
                .and()
                .areStatic()
                .should()
                .notBeFinal()
                .because("settable globals are forbidden")
                .check(classes);
        noFields()
                .that()
                .haveRawType(org.slf4j.Logger.class)
                .should()
                .notHaveModifier(JavaModifier.PRIVATE)
                .orShould()
                .notHaveModifier(JavaModifier.STATIC)
                .orShould()
                .notHaveModifier(JavaModifier.FINAL)
                .because("one private static final logger per class")
                .check(classes);
    }

    @Test
    void nothingCallsSetAccessible() {
        noClasses()
                .should()
                .callMethod(
                        java.lang.reflect.AccessibleObject.class, "setAccessible", boolean.class)
                .because("reflection goes through targeted opens only")
                .check(classes);
    }
}
