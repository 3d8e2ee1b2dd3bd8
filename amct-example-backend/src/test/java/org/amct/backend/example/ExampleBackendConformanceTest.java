package org.amct.backend.example;

import org.amct.conformance.BackendConformanceSuite;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;

// tag::conformance[]
/** The example backend against the shared conformance suite. */
class ExampleBackendConformanceTest extends BackendConformanceSuite {
    /** Jacobi is slow on the largest fixtures; the smaller ones suffice for an example. */
    private static final long FIXTURE_ELEMENT_LIMIT = 300L * 500L;

    @Override
    protected ComputeBackend openBackend() {
        return new ExampleBackendProvider().open(BackendOptions.defaults());
    }

    @Override
    protected long fixtureElementLimit() {
        return Math.min(super.fixtureElementLimit(), FIXTURE_ELEMENT_LIMIT);
    }
}
// end::conformance[]
