package org.amct.backend.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.amct.spi.Availability;
import org.amct.spi.BackendException;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.DeviceKind;
import org.junit.jupiter.api.Test;

class OpenBlasBackendProviderTest {
    private static final Supplier<OpenBlasLibrary> MISSING_LIBRARY =
            () -> {
                throw new UnsatisfiedLinkError("no jniopenblas in java.library.path");
            };

    @Test
    void descriptorNamesOpenblasOnTheCpuWithoutLoadingTheLibrary() {
        AtomicInteger loads = new AtomicInteger();
        var provider =
                new OpenBlasBackendProvider(
                        () -> {
                            loads.incrementAndGet();
                            return MISSING_LIBRARY.get();
                        });
        assertEquals(BackendId.of("openblas"), provider.descriptor().id());
        assertEquals(DeviceKind.CPU, provider.descriptor().deviceKind());
        assertTrue(provider.descriptor().displayName().contains("OpenBLAS"));
        assertEquals(0, loads.get());
    }

    @Test
    void probeReportsAvailableWithNativePriorityAndDevice() {
        Availability availability = new OpenBlasBackendProvider().probe();
        var available = assertInstanceOf(Availability.Available.class, availability);
        assertEquals(200, available.priority());
        assertTrue(available.device().startsWith("CPU, "), available.device());
        assertTrue(available.device().contains("OpenBLAS 0.3."), available.device());
    }

    @Test
    void probeReportsUnavailableNamingTheLibraryAndPlatformWhenLoadingFails() {
        Availability availability = new OpenBlasBackendProvider(MISSING_LIBRARY).probe();
        var unavailable = assertInstanceOf(Availability.Unavailable.class, availability);
        assertTrue(unavailable.reason().contains("libjniopenblas"), unavailable.reason());
        assertTrue(unavailable.reason().contains("linux-x86_64"), unavailable.reason());
        assertTrue(unavailable.reason().contains("no jniopenblas"), unavailable.reason());
        assertTrue(unavailable.hint().contains("org.bytedeco:openblas"), unavailable.hint());
        assertTrue(unavailable.hint().contains("--add-modules"), unavailable.hint());
    }

    @Test
    void probeReportsUnavailableWhenJavaCppWrapsTheFailure() {
        var provider =
                new OpenBlasBackendProvider(
                        () -> {
                            throw new RuntimeException(
                                    new java.io.IOException("cache directory is read-only"));
                        });
        var unavailable = assertInstanceOf(Availability.Unavailable.class, provider.probe());
        assertTrue(unavailable.reason().contains("read-only"), unavailable.reason());
    }

    @Test
    void openFailsWithTheReasonWhenTheLibraryIsMissing() {
        var provider = new OpenBlasBackendProvider(MISSING_LIBRARY);
        var e =
                assertThrows(
                        BackendException.class, () -> provider.open(BackendOptions.defaults()));
        assertTrue(e.getMessage().contains("libjniopenblas"), e.getMessage());
        assertInstanceOf(UnsatisfiedLinkError.class, e.getCause());
    }

    @Test
    void openedBackendReportsItsIdThreadsAndThatItIsNotThreadSafe() {
        try (ComputeBackend backend = new OpenBlasBackendProvider().open(new BackendOptions(1))) {
            assertEquals(BackendId.of("openblas"), backend.id());
            assertTrue(backend.device().startsWith("CPU, 1 thread ("), backend.device());
            assertFalse(backend.isThreadSafe());
        }
        try (ComputeBackend backend = new OpenBlasBackendProvider().open(new BackendOptions(2))) {
            assertTrue(backend.device().startsWith("CPU, 2 threads ("), backend.device());
        }
    }

    @Test
    void closedBackendRefusesToFactorize() {
        ComputeBackend backend = new OpenBlasBackendProvider().open(new BackendOptions(1));
        backend.close();
        DenseMatrix a = DenseMatrix.wrap(1, 1, new double[] {1});
        assertThrows(IllegalStateException.class, () -> backend.factorize(a));
    }
}
