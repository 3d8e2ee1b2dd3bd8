package org.amct.backend.aparapi;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.conditions.ArchConditions.haveOnlyFinalFields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.amct.spi.ComputeBackendProvider;
import org.slf4j.Logger;

/**
 * The module's structure: the rules of STYLE.md that the compiler does not check.
 *
 * <p>Rules are checked from {@code @ArchTest} methods, not fields: Surefire 3.5.3 does not run
 * {@code @ArchTest} fields (TNG/ArchUnit#1442).
 */
@AnalyzeClasses(
        packages = "org.amct.backend.aparapi",
        importOptions = ImportOption.DoNotIncludeTests.class)
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
                                    .and(not(resideInAPackage("org.amct.backend.aparapi.."))))
                    .because("backends are independent and reach users only through ServiceLoader");

    private static final ArchRule KERNELS_USE_ONLY_APARAPI_AND_THE_JDK =
            classes()
                    .that()
                    .resideInAPackage("org.amct.backend.aparapi.kernel..")
                    .should()
                    .onlyDependOnClassesThat(
                            resideInAnyPackage("org.amct.backend.aparapi.kernel..", "com.aparapi..")
                                    .or(resideInAPackage("java..")))
                    .because(
                            "the kernel package is opened to Aparapi, which translates its"
                                    + " bytecode to OpenCL: nothing else belongs there");

    private static final ArchRule ONLY_THE_LOG_CAPTURE_TOUCHES_JAVA_UTIL_LOGGING =
            noClasses()
                    .that()
                    .doNotBelongToAnyOf(AparapiLogCapture.class)
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("java.util.logging..")
                    .because(
                            "the library logs through slf4j-api; only AparapiLogCapture reads"
                                    + " Aparapi's java.util.logging records, to report its reasons");

    private static final ArchRule NO_PUBLIC_STATIC_MUTABLE_FIELDS =
            fields().that()
                    .arePublic()
                    .and()
                    .areStatic()
                    .should()
                    .beFinal()
                    .because("no settable globals (STYLE.md section 10)");

    private static final ArchRule LOGGERS_ARE_PRIVATE_STATIC_FINAL =
            fields().that()
                    .haveRawType(Logger.class)
                    .should()
                    .bePrivate()
                    .andShould()
                    .beStatic()
                    .andShould()
                    .beFinal()
                    .because("one logger per class, private static final (STYLE.md section 4)");

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
    static void kernelsUseOnlyAparapiAndTheJdk(JavaClasses classes) {
        KERNELS_USE_ONLY_APARAPI_AND_THE_JDK.check(classes);
    }

    @ArchTest
    static void libraryCodeNeverPrintsToStandardStreams(JavaClasses classes) {
        NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS
                .because("library code logs through slf4j and never prints to stdout or stderr")
                .check(classes);
    }

    @ArchTest
    static void onlyTheLogCaptureTouchesJavaUtilLogging(JavaClasses classes) {
        ONLY_THE_LOG_CAPTURE_TOUCHES_JAVA_UTIL_LOGGING.check(classes);
    }

    @ArchTest
    static void noGenericExceptions(JavaClasses classes) {
        NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS
                .because("failures are BackendException or a specific JDK exception")
                .check(classes);
    }

    @ArchTest
    static void noPublicStaticMutableFields(JavaClasses classes) {
        NO_PUBLIC_STATIC_MUTABLE_FIELDS.check(classes);
    }

    @ArchTest
    static void loggersArePrivateStaticFinal(JavaClasses classes) {
        LOGGERS_ARE_PRIVATE_STATIC_FINAL.check(classes);
    }
}
