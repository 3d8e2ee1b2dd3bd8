package org.amct.conformance;

import java.lang.reflect.Method;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * Names a test class after the reference fixture set it runs on, for example {@code
 * "EjmlBackendConformanceTest [full reference fixture set (12 cases) from ...]"}, so that the build
 * log (which prints class display names) says which set ran. Test method names are JUnit's standard
 * ones. Use it with {@code @DisplayNameGeneration(ReferenceFixtureSetNames.class)}; the {@link
 * BackendConformanceSuite} carries it for every backend.
 */
public final class ReferenceFixtureSetNames extends DisplayNameGenerator.Standard {
    /** For JUnit, which instantiates it. */
    public ReferenceFixtureSetNames() {}

    @Override
    public String generateDisplayNameForClass(Class<?> testClass) {
        return testClass.getSimpleName() + " [" + ReferenceFixtures.describeSet() + "]";
    }

    @Override
    public String generateDisplayNameForNestedClass(Class<?> nestedClass) {
        return super.generateDisplayNameForNestedClass(nestedClass);
    }

    @Override
    public String generateDisplayNameForMethod(Class<?> testClass, Method testMethod) {
        return super.generateDisplayNameForMethod(testClass, testMethod);
    }
}
