package org.amct.backend.openblas;

import org.amct.conformance.BackendConformanceSuite;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;

/** The shared backend contract, run against the OpenBLAS backend with one thread. */
class OpenBlasBackendConformanceTest extends BackendConformanceSuite {
    @Override
    protected ComputeBackend openBackend() {
        return new OpenBlasBackendProvider().open(new BackendOptions(1));
    }
}
