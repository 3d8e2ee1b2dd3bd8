package org.amct.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The canary of the architecture tests: a violated ArchUnit rule must fail, both when checked
 * directly and when it runs as a test through the JUnit Platform that Surefire drives (an ArchUnit
 * failure that a test runner reports as a pass would let every {@code ArchitectureTest} pass
 * silently; see TNG/ArchUnit#1524 and Surefire 3.5.4). If this test passes, a broken rule in any
 * {@code ArchitectureTest} fails {@code mvn verify}.
 */
class ArchUnitCanaryTest {
    /** Armed only while {@link #aViolatedRuleFailsItsTestOnTheJUnitPlatform} runs it. */
    private static final AtomicBoolean ARMED = new AtomicBoolean();

    /** A class that breaks the amct-api rule "only the schema package uses Jackson". */
    static final class Violator {
        private Violator() {}

        static String json() throws com.fasterxml.jackson.core.JsonProcessingException {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(1);
        }
    }

    /** The rule of {@code ArchitectureTest.onlyTheSchemaPackageUsesJackson}. */
    private static ArchRule onlySchemaUsesJackson() {
        return noClasses()
                .that()
                .resideOutsideOfPackage("org.amct.api.schema..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.fasterxml.jackson..")
                .because("one package owns the JSON formats");
    }

    private static JavaClasses violators() {
        return new ClassFileImporter().importClasses(Violator.class);
    }

    /**
     * The violated rule as a test of its own, run only through the launcher below (Surefire's
     * includes do not pick nested classes, and elsewhere it is skipped).
     */
    static class ViolatedRule {
        @Test
        void ruleIsChecked() {
            assumeTrue(ARMED.get(), "run only by ArchUnitCanaryTest");
            onlySchemaUsesJackson().check(violators());
        }
    }

    @Test
    void aViolatedRuleThrowsNamingTheRuleAndTheClass() {
        AssertionError failure =
                assertThrows(
                        AssertionError.class, () -> onlySchemaUsesJackson().check(violators()));
        assertTrue(failure.getMessage().contains("was violated"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Violator"), failure.getMessage());
    }

    @Test
    void aViolatedRuleFailsItsTestOnTheJUnitPlatform() {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();
        ARMED.set(true);
        try {
            launcher.execute(
                    LauncherDiscoveryRequestBuilder.request()
                            .selectors(selectClass(ViolatedRule.class))
                            .build(),
                    listener);
        } finally {
            ARMED.set(false);
        }
        TestExecutionSummary summary = listener.getSummary();
        assertEquals(1, summary.getTestsStartedCount(), "the canary test ran");
        assertEquals(0, summary.getTestsSucceededCount(), "a violated rule never passes");
        assertEquals(1, summary.getTestsFailedCount(), "a violated rule is a failure");
        Throwable cause = summary.getFailures().get(0).getException();
        assertInstanceOf(AssertionError.class, cause);
        assertTrue(cause.getMessage().contains("was violated"), cause.getMessage());
    }
}
