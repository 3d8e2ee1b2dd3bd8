package org.amct.conformance;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.conditions.ArchConditions.haveOnlyFinalFields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchRule;
import org.amct.spi.ComputeBackendProvider;

/**
 * The ArchUnit rules of docs/design/STYLE.md that every backend module shares; each backend's
 * {@code ArchitectureTest} checks them on its production classes, next to its own rules.
 */
public final class BackendArchitectureRules {
    private BackendArchitectureRules() {}

    /**
     * Providers are public, final, stateless and live under {@code org.amct.backend}.
     *
     * @return the rule
     */
    public static ArchRule providersArePublicFinalAndStateless() {
        return classes()
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
                        "ServiceLoader instantiates providers, which must be cheap and stateless;"
                                + " docs/design/STYLE.md section 3");
    }

    /**
     * A provider's public constructors take no argument.
     *
     * @return the rule
     */
    public static ArchRule providersHaveOnlyANoArgPublicConstructor() {
        return constructors()
                .that()
                .areDeclaredInClassesThat()
                .implement(ComputeBackendProvider.class)
                .and()
                .arePublic()
                .should()
                .haveRawParameterTypes(new Class<?>[0])
                .because("ServiceLoader calls the public no-argument constructor");
    }

    /**
     * No dependency on the API module.
     *
     * @return the rule
     */
    public static ArchRule noDependencyOnTheApi() {
        return noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.amct.api..")
                .because(
                        "dependencies point api -> spi <- backends; a backend never sees the"
                                + " model graph");
    }

    /**
     * No dependency on another backend.
     *
     * @param ownPackage this backend's package, for example {@code org.amct.backend.openblas}
     * @return the rule
     */
    public static ArchRule noDependencyOnOtherBackends(String ownPackage) {
        return noClasses()
                .should()
                .dependOnClassesThat(
                        resideInAPackage("org.amct.backend..")
                                .and(not(resideInAPackage(ownPackage + ".."))))
                .because("backends are independent and reach users only through ServiceLoader");
    }

    /**
     * Library code never prints to stdout or stderr.
     *
     * @return the rule
     */
    public static ArchRule noStandardStreams() {
        return NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.because(
                "library code logs through slf4j and never prints to stdout or stderr");
    }

    /**
     * Library code never logs through {@code java.util.logging}.
     *
     * @return the rule
     */
    public static ArchRule noJavaUtilLogging() {
        return NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.because(
                "the library logs through slf4j-api; the application picks the binding");
    }
}
