package org.amct.backend.nd4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import org.amct.conformance.BackendArchitectureRules;
import org.amct.spi.ComputeBackendProvider;

/**
 * The module's structure: the rules of docs/design/STYLE.md that the compiler does not check, plus
 * the two that keep ND4J inside this backend and out of the cheap paths.
 *
 * <p>Rules are checked from {@code @ArchTest} methods, not fields: Surefire 3.5.3 does not run
 * {@code @ArchTest} fields (TNG/ArchUnit#1442).
 */
@AnalyzeClasses(
        locations = ArchitectureTest.ProductionClasses.class,
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * This module's own classes: their folder or jar only. Naming the package instead makes
     * ArchUnit search every jar on the class path for it, ND4J's included, which takes seconds.
     */
    static final class ProductionClasses implements LocationProvider {
        @Override
        public Set<Location> get(Class<?> testClass) {
            return Set.of(
                    Location.of(
                            Nd4jBackendProvider.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()));
        }
    }

    private static final ArchRule ONLY_THE_PROVIDER_IS_PUBLIC =
            classes()
                    .that()
                    .arePublic()
                    .should()
                    .implement(ComputeBackendProvider.class)
                    .because(
                            "no ND4J type may cross the SPI, and a class-path jar cannot hide"
                                    + " public classes the way an unexported package does");

    private static final ArchRule CHEAP_PATHS_LOAD_NO_ND4J_CLASS =
            noClasses()
                    .that()
                    .haveSimpleName("Nd4jBackendProvider")
                    .or()
                    .haveSimpleName("Nd4jMessages")
                    .or()
                    .haveSimpleName("Nd4jClassPath")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("org.nd4j..")
                    .because(
                            "ServiceLoader constructs the provider and asks for its descriptor"
                                    + " where ND4J may be absent; only the probe, through"
                                    + " Nd4jRuntime, may load ND4J (docs/design/STYLE.md section 3)");

    @ArchTest
    static void providersArePublicFinalAndStateless(JavaClasses classes) {
        BackendArchitectureRules.providersArePublicFinalAndStateless().check(classes);
    }

    @ArchTest
    static void providersHaveOnlyANoArgPublicConstructor(JavaClasses classes) {
        BackendArchitectureRules.providersHaveOnlyANoArgPublicConstructor().check(classes);
    }

    @ArchTest
    static void onlyTheProviderIsPublic(JavaClasses classes) {
        ONLY_THE_PROVIDER_IS_PUBLIC.check(classes);
    }

    @ArchTest
    static void providerDescriptorAndMessagesLoadNoNd4jClass(JavaClasses classes) {
        CHEAP_PATHS_LOAD_NO_ND4J_CLASS.check(classes);
    }

    @ArchTest
    static void backendNeverDependsOnTheApi(JavaClasses classes) {
        BackendArchitectureRules.noDependencyOnTheApi().check(classes);
    }

    @ArchTest
    static void backendNeverDependsOnOtherBackends(JavaClasses classes) {
        BackendArchitectureRules.noDependencyOnOtherBackends("org.amct.backend.nd4j")
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
