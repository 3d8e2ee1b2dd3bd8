package org.amct.backend.openblas;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.conditions.ArchConditions.haveOnlyFinalFields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.amct.spi.ComputeBackendProvider;

/**
 * The module's structure: the rules of STYLE.md that the compiler does not check.
 *
 * <p>Rules are checked from {@code @ArchTest} methods, not fields: Surefire 3.5.3 does not run
 * {@code @ArchTest} fields (TNG/ArchUnit#1442).
 */
@AnalyzeClasses(
        packages = "org.amct.backend.openblas",
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

    private static final ArchRule PROVIDERS_ARE_PUBLIC_FINAL_AND_STATELESS =
            classes()
                    .that()
                    .implement(ComputeBackendProvider.class)
                    .should()
                    .bePublic()
                    .andShould()
                    .haveModifier(JavaModifier.FINAL)
                    .andShould()
                    .resideInAPackage("org.amct.backend..")
                    .andShould(haveOnlyFinalFields())
                    .because(
                            "ServiceLoader instantiates providers, which must be cheap and"
                                    + " stateless; STYLE.md section 3");

    private static final ArchRule PROVIDERS_HAVE_ONLY_A_NO_ARG_PUBLIC_CONSTRUCTOR =
            constructors()
                    .that()
                    .areDeclaredInClassesThat()
                    .implement(ComputeBackendProvider.class)
                    .and()
                    .arePublic()
                    .should()
                    .haveRawParameterTypes(new Class<?>[0])
                    .because("ServiceLoader calls the public no-argument constructor");

    private static final ArchRule NO_DEPENDENCY_ON_THE_API =
            noClasses()
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("org.amct.api..")
                    .because(
                            "dependencies point api -> spi <- backends; a backend never sees"
                                    + " the model graph");

    private static final ArchRule NO_DEPENDENCY_ON_OTHER_BACKENDS =
            noClasses()
                    .should()
                    .dependOnClassesThat(
                            resideInAPackage("org.amct.backend..")
                                    .and(not(resideInAPackage("org.amct.backend.openblas.."))))
                    .because("backends are independent and reach users only through ServiceLoader");

    @ArchTest
    static void providersArePublicFinalAndStateless(JavaClasses classes) {
        PROVIDERS_ARE_PUBLIC_FINAL_AND_STATELESS.check(classes);
    }

    @ArchTest
    static void providersHaveOnlyANoArgPublicConstructor(JavaClasses classes) {
        PROVIDERS_HAVE_ONLY_A_NO_ARG_PUBLIC_CONSTRUCTOR.check(classes);
    }

    @ArchTest
    static void backendNeverDependsOnTheApi(JavaClasses classes) {
        NO_DEPENDENCY_ON_THE_API.check(classes);
    }

    @ArchTest
    static void backendNeverDependsOnOtherBackends(JavaClasses classes) {
        NO_DEPENDENCY_ON_OTHER_BACKENDS.check(classes);
    }

    @ArchTest
    static void libraryCodeNeverPrintsToStandardStreams(JavaClasses classes) {
        NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS
                .because("library code logs through slf4j and never prints to stdout or stderr")
                .check(classes);
    }

    @ArchTest
    static void libraryCodeNeverUsesJavaUtilLogging(JavaClasses classes) {
        NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING
                .because("the library logs through slf4j-api; the application picks the binding")
                .check(classes);
    }
}
