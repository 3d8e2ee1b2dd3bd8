package org.amct.backend.aparapi;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.amct.spi.Availability;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;

/**
 * Opens the backend on this machine's OpenCL device for tests. Without one, tests are skipped with
 * the probe's reason, unless the system property {@value #REQUIRE_PROPERTY} is {@code true} (the
 * build's {@code ci} profile sets it), in which case they fail.
 */
final class AparapiTestDevices {
    /** The system property that turns a missing device from a skip into a failure. */
    static final String REQUIRE_PROPERTY = "amct.aparapi.requireDevice";

    private AparapiTestDevices() {}

    /**
     * Opens the backend, or skips (or fails) the calling test with the probe's reason.
     *
     * @return the opened backend
     */
    static ComputeBackend openOrSkip() {
        requireDevice();
        return new AparapiBackendProvider().open(BackendOptions.defaults());
    }

    /** Skips (or fails) the calling test unless the probe finds a device. */
    static void requireDevice() {
        Availability availability = new AparapiBackendProvider().probe();
        String message = "No OpenCL device for backend 'aparapi': " + availability;
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            assertTrue(availability.isAvailable(), message);
        } else {
            assumeTrue(availability.isAvailable(), message);
        }
    }
}
