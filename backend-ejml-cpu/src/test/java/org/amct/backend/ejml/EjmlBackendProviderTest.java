package org.amct.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.amct.spi.Availability;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DeviceKind;
import org.junit.jupiter.api.Test;

class EjmlBackendProviderTest {
    @Test
    void describesItselfAsThePureJavaCpuBackend() {
        EjmlBackendProvider provider = new EjmlBackendProvider();
        assertEquals("ejml", provider.descriptor().id().value());
        assertEquals("EJML (pure Java)", provider.descriptor().displayName());
        assertEquals(DeviceKind.CPU, provider.descriptor().deviceKind());
    }

    @Test
    void isAlwaysAvailableWithPureJavaPriority() {
        Availability availability = new EjmlBackendProvider().probe();
        assertTrue(availability.isAvailable());
        Availability.Available available = (Availability.Available) availability;
        assertEquals(100, available.priority());
        assertTrue(available.device().startsWith("CPU, "), available.device());
        assertTrue(available.device().endsWith("(EJML 0.44, pure Java)"), available.device());
    }

    @Test
    void opensWithTheRequestedThreadCount() {
        try (ComputeBackend backend = new EjmlBackendProvider().open(new BackendOptions(3))) {
            assertEquals("ejml", backend.id().value());
            assertEquals("CPU, 3 threads (EJML 0.44, pure Java)", backend.device());
        }
        try (ComputeBackend backend = new EjmlBackendProvider().open(new BackendOptions(1))) {
            assertEquals("CPU, 1 thread (EJML 0.44, pure Java)", backend.device());
        }
    }
}
