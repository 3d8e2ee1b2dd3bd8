package org.amct.backend.openblas;

import org.amct.conformance.BackendConformanceSuite;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;

/**
 * The shared backend contract with two threads: inverse iteration then runs in parts on two Java
 * threads (every reference fixture keeps its rank and tolerances that way too).
 */
class OpenBlasTwoThreadConformanceTest extends BackendConformanceSuite {
    @Override
    protected ComputeBackend openBackend() {
        return new OpenBlasBackendProvider().open(new BackendOptions(2));
    }
}
