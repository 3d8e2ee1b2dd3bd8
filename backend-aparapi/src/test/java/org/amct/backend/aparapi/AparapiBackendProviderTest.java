package org.amct.backend.aparapi;

import static org.amct.backend.aparapi.AparapiDeviceType.ACCELERATOR;
import static org.amct.backend.aparapi.AparapiDeviceType.CPU;
import static org.amct.backend.aparapi.AparapiDeviceType.GPU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.amct.spi.Availability;
import org.amct.spi.BackendException;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;
import org.amct.spi.DeviceKind;
import org.junit.jupiter.api.Test;

class AparapiBackendProviderTest {
    private static final String INSTALL = "apt-get install pocl-opencl-icd ocl-icd-libopencl1";

    @Test
    void descriptorNamesAparapiOnOpenClWithoutTouchingTheRuntime() {
        AtomicInteger loads = new AtomicInteger();
        var provider =
                new AparapiBackendProvider(
                        () -> {
                            loads.incrementAndGet();
                            throw new UnsatisfiedLinkError("libOpenCL.so.1");
                        });
        assertEquals(BackendId.of("aparapi"), provider.descriptor().id());
        assertEquals(DeviceKind.OPENCL, provider.descriptor().deviceKind());
        assertTrue(provider.descriptor().displayName().contains("OpenCL"));
        assertEquals(0, loads.get());
    }

    @Test
    void missingOpenClLibraryIsUnavailableSayingWhatToInstall() {
        var runtime =
                AparapiFakeRuntime.missingLibrary(
                        "libOpenCL.so.1: cannot open shared object file: No such file or"
                                + " directory");
        var unavailable = unavailable(new AparapiBackendProvider(() -> runtime));
        assertTrue(unavailable.reason().contains("No OpenCL runtime"), unavailable.reason());
        assertTrue(unavailable.reason().contains("libOpenCL.so.1"), unavailable.reason());
        assertTrue(unavailable.hint().contains(INSTALL), unavailable.hint());
        assertTrue(unavailable.hint().contains("vendor's OpenCL driver"), unavailable.hint());
    }

    @Test
    void probeNeverThrowsWhenTheRuntimeFailsToLink() {
        var provider =
                new AparapiBackendProvider(
                        () -> {
                            throw new NoClassDefFoundError("com/aparapi/Kernel");
                        });
        var unavailable = unavailable(provider);
        assertTrue(unavailable.reason().contains("com/aparapi/Kernel"), unavailable.reason());
        assertTrue(unavailable.hint().contains(INSTALL), unavailable.hint());
    }

    @Test
    void noPlatformIsUnavailableSayingWhatToInstall() {
        var runtime = AparapiFakeRuntime.withDevices(Map.of());
        var unavailable = unavailable(new AparapiBackendProvider(() -> runtime));
        assertTrue(unavailable.reason().contains("No OpenCL device"), unavailable.reason());
        assertTrue(unavailable.hint().contains(INSTALL), unavailable.hint());
    }

    @Test
    void devicesWithoutFloat64AreUnavailableNamingEachDevice() {
        var gpu = AparapiFakeRuntime.device(GPU, "Tiny GPU", 8);
        var runtime =
                AparapiFakeRuntime.withDevices(
                        Map.of("Tiny GPU", "FP64 required but not supported"), gpu);
        var unavailable = unavailable(new AparapiBackendProvider(() -> runtime));
        assertTrue(unavailable.reason().contains("float64"), unavailable.reason());
        assertTrue(unavailable.reason().contains("'Tiny GPU'"), unavailable.reason());
        assertTrue(
                unavailable.reason().contains("FP64 required but not supported"),
                unavailable.reason());
    }

    @Test
    void gpuIsPreferredAndRanksAboveTheCpuBackends() {
        var runtime =
                AparapiFakeRuntime.withDevices(
                        Map.of(),
                        AparapiFakeRuntime.device(CPU, "Some CPU", 64),
                        AparapiFakeRuntime.device(GPU, "Some GPU", 80));
        var available = available(new AparapiBackendProvider(() -> runtime));
        assertEquals(AparapiDeviceSelector.GPU_PRIORITY, available.priority());
        assertTrue(available.priority() > 200, "above OpenBLAS and EJML");
        assertTrue(available.device().contains("GPU 'Some GPU'"), available.device());
        assertTrue(available.device().contains("float64"), available.device());
    }

    @Test
    void gpuWithoutFloat64IsSkippedForTheCpuWhichRanksBelowEveryCpuBackend() {
        var runtime =
                AparapiFakeRuntime.withDevices(
                        Map.of("Some GPU", "FP64 required but not supported"),
                        AparapiFakeRuntime.device(GPU, "Some GPU", 80),
                        AparapiFakeRuntime.device(CPU, "Some CPU", 64));
        var available = available(new AparapiBackendProvider(() -> runtime));
        assertEquals(AparapiDeviceSelector.OTHER_PRIORITY, available.priority());
        assertTrue(available.priority() < 10, "below every CPU backend");
        assertTrue(available.device().contains("CPU 'Some CPU'"), available.device());
        assertTrue(available.device().contains("only when forced"), available.device());
    }

    @Test
    void acceleratorIsUsedOnlyWhenForced() {
        var runtime =
                AparapiFakeRuntime.withDevices(
                        Map.of(), AparapiFakeRuntime.device(ACCELERATOR, "Card", 16));
        assertEquals(
                AparapiDeviceSelector.OTHER_PRIORITY,
                available(new AparapiBackendProvider(() -> runtime)).priority());
    }

    @Test
    void openingWithoutADeviceFailsWithTheProbeReasonAndHint() {
        var runtime = AparapiFakeRuntime.missingLibrary("libOpenCL.so.1: file too short");
        var provider = new AparapiBackendProvider(() -> runtime);
        var e =
                assertThrows(
                        BackendException.class, () -> provider.open(BackendOptions.defaults()));
        assertTrue(e.getMessage().contains("libOpenCL.so.1: file too short"), e.getMessage());
        assertTrue(e.getMessage().contains(INSTALL), e.getMessage());
    }

    @Test
    void probeOnThisMachineFindsTheOpenClDevice() {
        AparapiTestDevices.requireDevice();
        var available = available(new AparapiBackendProvider());
        assertTrue(available.device().startsWith("OpenCL "), available.device());
        assertTrue(available.device().contains("compute units"), available.device());
        assertTrue(available.device().contains("GiB"), available.device());
        assertTrue(available.device().contains("float64"), available.device());
        boolean gpu = available.device().startsWith("OpenCL GPU");
        assertEquals(
                gpu ? AparapiDeviceSelector.GPU_PRIORITY : AparapiDeviceSelector.OTHER_PRIORITY,
                available.priority());
    }

    private static Availability.Unavailable unavailable(AparapiBackendProvider provider) {
        return assertInstanceOf(Availability.Unavailable.class, provider.probe());
    }

    private static Availability.Available available(AparapiBackendProvider provider) {
        return assertInstanceOf(Availability.Available.class, provider.probe());
    }
}
