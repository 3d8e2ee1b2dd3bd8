package org.amct.backend.aparapi;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.amct.conformance.BackendArchitectureRules;
import org.slf4j.Logger;

/**
 * The module's structure: the rules of docs/design/STYLE.md that the compiler does not check.
 *
 * <p>Rules are checked from {@code @ArchTest} methods, not fields: Surefire 3.5.3 does not run
 * {@code @ArchTest} fields (TNG/ArchUnit#1442).
 */
@AnalyzeClasses(
        packages = "org.amct.backend.aparapi",
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

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
                    .because("no settable globals (docs/design/STYLE.md section 10)");

    private static final ArchRule LOGGERS_ARE_PRIVATE_STATIC_FINAL =
            fields().that()
                    .haveRawType(Logger.class)
                    .should()
                    .bePrivate()
                    .andShould()
                    .beStatic()
                    .andShould()
                    .beFinal()
                    .because(
                            "one logger per class, private static final (docs/design/STYLE.md section 4)");

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
        BackendArchitectureRules.noDependencyOnOtherBackends("org.amct.backend.aparapi")
                .check(classes);
    }

    @ArchTest
    static void kernelsUseOnlyAparapiAndTheJdk(JavaClasses classes) {
        KERNELS_USE_ONLY_APARAPI_AND_THE_JDK.check(classes);
    }

    @ArchTest
    static void libraryCodeNeverPrintsToStandardStreams(JavaClasses classes) {
        BackendArchitectureRules.noStandardStreams().check(classes);
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
