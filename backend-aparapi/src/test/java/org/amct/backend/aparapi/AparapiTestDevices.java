package org.amct.backend.aparapi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.amct.spi.Availability;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;

/**
 * This machine's OpenCL device for tests. Without one, each test that needs it is skipped with the
 * probe's reason (from a {@code @BeforeEach}, so that every such test is reported as skipped),
 * unless the system property {@value #REQUIRE_PROPERTY} is {@code true} (the build's {@code ci}
 * profile sets it), in which case they fail. The probe runs once per JVM.
 */
final class AparapiTestDevices {
    /** The system property that turns a missing device from a skip into a failure. */
    static final String REQUIRE_PROPERTY = "amct.aparapi.requireDevice";

    private static Availability availability;

    private AparapiTestDevices() {}

    /**
     * Opens the backend on this machine's device, for a {@code @BeforeAll}.
     *
     * @return the opened backend, or empty if there is no device and none is required
     */
    static Optional<ComputeBackend> openIfAvailable() {
        if (!availability().isAvailable()) {
            assertFalse(Boolean.getBoolean(REQUIRE_PROPERTY), message());
            return Optional.empty();
        }
        return Optional.of(new AparapiBackendProvider().open(BackendOptions.defaults()));
    }

    /** Skips (or, where a device is required, fails) the calling test unless there is a device. */
    static void requireDevice() {
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            assertTrue(availability().isAvailable(), message());
        } else {
            assumeTrue(availability().isAvailable(), message());
        }
    }

    private static String message() {
        return "No OpenCL device for backend 'aparapi': " + availability();
    }

    private static synchronized Availability availability() {
        if (availability == null) {
            availability = new AparapiBackendProvider().probe();
        }
        return availability;
    }
}
