/**
 * Test support shared by every backend: the {@link org.amct.conformance.BackendConformanceSuite}
 * that each backend's {@code <Name>BackendConformanceTest} extends, the numeric {@link
 * org.amct.conformance.Tolerances}, an accurate {@link org.amct.conformance.ReferenceSvd} oracle,
 * and the reference tool's fixtures ({@link org.amct.conformance.ReferenceFixtures}).
 */
module org.amct.conformance {
    requires transitive org.amct.spi;
    requires transitive org.junit.jupiter.api;
    requires org.junit.jupiter.params;
    requires com.fasterxml.jackson.databind;
    requires transitive com.tngtech.archunit;

    exports org.amct.conformance;

    // JUnit calls the suite's (inherited) test and lifecycle methods by reflection.
    opens org.amct.conformance to
            org.junit.platform.commons;
}
