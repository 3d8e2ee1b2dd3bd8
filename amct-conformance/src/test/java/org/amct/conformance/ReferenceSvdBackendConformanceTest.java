package org.amct.conformance;

import org.amct.spi.ComputeBackend;

/** The suite passes with a correct backend: the Jacobi oracle itself. */
class ReferenceSvdBackendConformanceTest extends BackendConformanceSuite {
    /** Jacobi is slow on the 480x480 and 576x576 fixtures; the smaller ones suffice here. */
    private static final long ORACLE_FIXTURE_ELEMENT_LIMIT = 300L * 500L;

    @Override
    protected ComputeBackend openBackend() {
        return new ReferenceSvdBackend();
    }

    @Override
    protected long fixtureElementLimit() {
        return Math.min(super.fixtureElementLimit(), ORACLE_FIXTURE_ELEMENT_LIMIT);
    }
}
