package org.amct.backend.aparapi;

import org.amct.conformance.BackendConformanceSuite;
import org.amct.spi.ComputeBackend;
import org.junit.jupiter.api.BeforeEach;

/**
 * The shared backend contract, run against the Aparapi backend on this machine's OpenCL device
 * (PoCL's CPU device in CI). Where there is none, every test is skipped with the probe's reason,
 * except in CI, where the suite fails.
 */
class AparapiBackendConformanceTest extends BackendConformanceSuite {
    /**
     * Opens the backend, or returns {@code null} when there is no device (the suite closes only a
     * backend it got), so that {@link #skipWithoutDevice()} can report each test as skipped.
     */
    @Override
    protected ComputeBackend openBackend() {
        return AparapiTestDevices.openIfAvailable().orElse(null);
    }

    @BeforeEach
    void skipWithoutDevice() {
        AparapiTestDevices.requireDevice();
    }
}
