package org.amct.backend.aparapi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.amct.spi.BackendException;
import org.junit.jupiter.api.Test;

class AparapiMemoryTest {
    private static final long MIB = 1024L * 1024L;

    private static AparapiDevice device(long globalMemory, long maxAllocation) {
        return new AparapiDevice(
                AparapiDeviceType.GPU, "Small GPU", "Fake", 4, globalMemory, maxAllocation, 1);
    }

    @Test
    void acceptsAMatrixThatFits() {
        assertDoesNotThrow(
                () -> AparapiMemory.check(1536, 1536, 1536, device(1024 * MIB, 256 * MIB)));
    }

    @Test
    void rejectsABufferOverTheAllocationLimitNamingBothSizes() {
        var e =
                assertThrows(
                        BackendException.class,
                        () -> AparapiMemory.check(1536, 1536, 1536, device(1024 * MIB, 16 * MIB)));
        assertTrue(e.getMessage().contains("1536 x 1536"), e.getMessage());
        assertTrue(e.getMessage().contains("18.0 MiB for one buffer"), e.getMessage());
        assertTrue(e.getMessage().contains("allows 16.0 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("CL_DEVICE_MAX_MEM_ALLOC_SIZE"), e.getMessage());
        assertTrue(e.getMessage().contains("'Small GPU'"), e.getMessage());
    }

    @Test
    void rejectsBuffersOverTheDeviceMemory() {
        var e =
                assertThrows(
                        BackendException.class,
                        () -> AparapiMemory.check(1536, 1536, 1536, device(40 * MIB, 32 * MIB)));
        assertTrue(e.getMessage().contains("CL_DEVICE_GLOBAL_MEM_SIZE"), e.getMessage());
    }

    @Test
    void rejectsAGramMatrixLargerThanAJavaArray() {
        var e =
                assertThrows(
                        BackendException.class,
                        () ->
                                AparapiMemory.check(
                                        50_000,
                                        50_000,
                                        50_000,
                                        device(Long.MAX_VALUE, Long.MAX_VALUE)));
        assertTrue(e.getMessage().contains("more than a Java array holds"), e.getMessage());
    }
}
