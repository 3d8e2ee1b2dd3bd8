package org.amct.backend.openblas;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import org.amct.conformance.BackendArchitectureRules;

/**
 * The module's structure: the rules of docs/design/STYLE.md that the compiler does not check.
 *
 * <p>Rules are checked from {@code @ArchTest} methods, not fields: Surefire 3.5.3 does not run
 * {@code @ArchTest} fields (TNG/ArchUnit#1442).
 */
@AnalyzeClasses(
        packages = "org.amct.backend.openblas",
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

    @ArchTest
    static void providersArePublicFinalAndStateless(JavaClasses classes) {
        BackendArchitectureRules.providersArePublicFinalAndStateless().check(classes);
    }

    @ArchTest
    static void providersHaveOnlyANoArgPublicConstructor(JavaClasses classes) {
        BackendArchitectureRules.providersHaveOnlyANoArgPublicConstructor().check(classes);
    }

    @ArchTest
    static void backendNeverDependsOnTheApi(JavaClasses classes) {
        BackendArchitectureRules.noDependencyOnTheApi().check(classes);
    }

    @ArchTest
    static void backendNeverDependsOnOtherBackends(JavaClasses classes) {
        BackendArchitectureRules.noDependencyOnOtherBackends("org.amct.backend.openblas")
                .check(classes);
    }

    @ArchTest
    static void libraryCodeNeverPrintsToStandardStreams(JavaClasses classes) {
        BackendArchitectureRules.noStandardStreams().check(classes);
    }

    @ArchTest
    static void libraryCodeNeverUsesJavaUtilLogging(JavaClasses classes) {
        BackendArchitectureRules.noJavaUtilLogging().check(classes);
    }
}
