package org.amct.backend.ejml;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.amct.spi.ComputeBackendProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture rules of docs/design/STYLE.md section 9, on this module's production classes
 * only.
 */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() throws URISyntaxException {
        // The folder (or jar) the production classes were loaded from: no test class is in it.
        Path location =
                Path.of(
                        EjmlBackendProvider.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        production = new ClassFileImporter().importPath(location);
    }

    @Test
    void importsTheProductionClasses() {
        classes()
                .that()
                .haveSimpleNameStartingWith("Ejml")
                .should()
                .resideInAPackage("org.amct.backend.ejml")
                .because("the backend's classes are all prefixed Ejml, so stack traces name it")
                .check(production);
    }

    @Test
    void providerIsPublicFinalWithPublicNoArgumentConstructor() {
        classes()
                .that()
                .implement(ComputeBackendProvider.class)
                .should()
                .bePublic()
                .andShould()
                .haveModifier(JavaModifier.FINAL)
                .andShould(havePublicNoArgumentConstructor())
                .andShould()
                .resideInAPackage("org.amct.backend..")
                .because(
                        "ServiceLoader instantiates providers reflectively (docs/design/STYLE.md section 3)")
                .check(production);
    }

    @Test
    void doesNotDependOnTheApi() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.amct.api..")
                .because(
                        "a backend sees only the SPI, never the model graph (docs/design/DESIGN.md)")
                .check(production);
    }

    @Test
    void doesNotUseJavaUtilLogging() {
        NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING
                .because("backends log through slf4j-api only (docs/design/STYLE.md section 6)")
                .check(production);
    }

    @Test
    void doesNotWriteToStandardStreams() {
        NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS
                .because(
                        "library code never prints to stdout or stderr (docs/design/STYLE.md section 6)")
                .check(production);
    }

    @Test
    void throwsNoGenericExceptions() {
        NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS
                .because(
                        "failures are BackendException or a specific JDK exception (docs/design/STYLE.md 6)")
                .check(production);
    }

    private static ArchCondition<JavaClass> havePublicNoArgumentConstructor() {
        return new ArchCondition<>("have a public no-argument constructor") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                boolean present =
                        item.getConstructors().stream()
                                .anyMatch(
                                        c ->
                                                c.getRawParameterTypes().isEmpty()
                                                        && c.getModifiers()
                                                                .contains(JavaModifier.PUBLIC));
                events.add(
                        new SimpleConditionEvent(
                                item,
                                present,
                                item.getName()
                                        + (present ? " has" : " lacks")
                                        + " a public no-argument constructor"));
            }
        };
    }
}
