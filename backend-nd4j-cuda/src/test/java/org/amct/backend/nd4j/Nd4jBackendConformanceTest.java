package org.amct.backend.nd4j;

import org.amct.conformance.BackendConformanceSuite;
import org.amct.spi.ComputeBackend;

/**
 * The shared backend contract, run against the ND4J backend on the device this build expects:
 * ND4J's native CPU backend with one thread by default, the CUDA device with {@code -Pcuda}.
 */
class Nd4jBackendConformanceTest extends BackendConformanceSuite {
    @Override
    protected ComputeBackend openBackend() {
        return Nd4jTestBackends.openExpected(1);
    }
}
