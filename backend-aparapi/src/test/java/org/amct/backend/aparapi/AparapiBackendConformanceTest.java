package org.amct.backend.aparapi;

import org.amct.conformance.BackendConformanceSuite;
import org.amct.spi.ComputeBackend;

/**
 * The shared backend contract, run against the Aparapi backend on this machine's OpenCL device
 * (PoCL's CPU device in CI). Skipped with the probe's reason where there is none, except in CI.
 */
class AparapiBackendConformanceTest extends BackendConformanceSuite {
    @Override
    protected ComputeBackend openBackend() {
        return AparapiTestDevices.openOrSkip();
    }
}
