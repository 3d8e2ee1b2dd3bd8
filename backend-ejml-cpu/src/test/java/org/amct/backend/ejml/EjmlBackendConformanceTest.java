package org.amct.backend.ejml;

import org.amct.conformance.BackendConformanceSuite;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;

/** The EJML backend against the shared conformance suite, with two threads. */
class EjmlBackendConformanceTest extends BackendConformanceSuite {
    @Override
    protected ComputeBackend openBackend() {
        return new EjmlBackendProvider().open(new BackendOptions(2));
    }
}
