package org.amct.backend.aparapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amct.spi.Availability;
import org.amct.spi.ComputeBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AparapiIcdRegistryTest {
    @TempDir Path temp;

    private static Optional<String> check(Map<String, String> env, Path vendors) {
        return AparapiIcdRegistry.missingDriver(env::get, vendors, "Linux");
    }

    @Test
    void anEmptyVendorFolderMeansNoDriver() throws IOException {
        Path vendors = Files.createDirectory(temp.resolve("vendors"));
        Files.writeString(vendors.resolve("README"), "not a driver");
        assertEquals(
                Optional.of("No OpenCL driver is registered: no .icd file in " + vendors),
                check(Map.of(), vendors));
    }

    @Test
    void aMissingVendorFolderMeansNoDriver() {
        Path vendors = temp.resolve("absent");
        assertEquals(
                Optional.of("No OpenCL driver is registered: " + vendors + " does not exist"),
                check(Map.of(), vendors));
    }

    @Test
    void anIcdFileLeavesTheQuestionToTheNativeProbe() throws IOException {
        Path vendors = Files.createDirectory(temp.resolve("vendors"));
        Files.writeString(vendors.resolve("pocl.icd"), "libpocl.so.2\n");
        assertEquals(Optional.empty(), check(Map.of(), vendors));
    }

    @Test
    void theVariablesOverrideTheFolder() throws IOException {
        Path empty = Files.createDirectory(temp.resolve("empty"));
        Path full = Files.createDirectory(temp.resolve("full"));
        Files.writeString(full.resolve("nvidia.icd"), "libnvidia-opencl.so.1\n");
        assertEquals(Optional.empty(), check(Map.of("OCL_ICD_VENDORS", full.toString()), empty));
        Optional<String> none = check(Map.of("OCL_ICD_VENDORS", empty.toString()), full);
        assertTrue(none.orElseThrow().contains("(named by OCL_ICD_VENDORS)"), none.toString());
        assertTrue(check(Map.of("OPENCL_VENDOR_PATH", empty.toString()), full).isPresent());
        // Overrides that name libraries or files directly are the native loader's business.
        assertEquals(Optional.empty(), check(Map.of("OCL_ICD_FILENAMES", "/opt/libx.so"), empty));
        assertEquals(Optional.empty(), check(Map.of("OCL_ICD_VENDORS", "libpocl.so.2"), empty));
    }

    @Test
    void otherSystemsAreLeftToTheNativeProbe() {
        assertEquals(
                Optional.empty(),
                AparapiIcdRegistry.missingDriver(k -> null, temp.resolve("absent"), "Windows 11"));
    }

    @Test
    void withoutADriverTheProbeLoadsNothingNative() {
        AtomicBoolean nativeTouched = new AtomicBoolean();
        AparapiRuntime runtime =
                new AparapiRuntime() {
                    @Override
                    public Optional<String> driverProblem() {
                        return Optional.of("No OpenCL driver is registered: test");
                    }

                    @Override
                    public Optional<String> loadProblem() {
                        nativeTouched.set(true);
                        return Optional.empty();
                    }

                    @Override
                    public List<AparapiDevice> devices() {
                        nativeTouched.set(true);
                        return List.of();
                    }

                    @Override
                    public Optional<String> doublePrecisionProblem(AparapiDevice device) {
                        nativeTouched.set(true);
                        return Optional.empty();
                    }

                    @Override
                    public ComputeBackend open(AparapiDevice device) {
                        throw new AssertionError("not opened");
                    }
                };
        Availability availability = new AparapiBackendProvider(() -> runtime).probe();
        assertFalse(availability.isAvailable());
        assertEquals(
                "No OpenCL driver is registered: test",
                ((Availability.Unavailable) availability).reason());
        assertFalse(nativeTouched.get(), "the native library was not asked");
    }

    @Test
    void onlyCpuDriversCapThePriorityBelowEveryCpuBackend() throws IOException {
        Path vendors = Files.createDirectory(temp.resolve("cpu-only"));
        Files.writeString(vendors.resolve("pocl.icd"), "libpocl.so.2\n");
        Files.writeString(vendors.resolve("intel-cpu.icd"), "/opt/intel/libintelocl.so\n");
        assertEquals(
                OptionalInt.of(AparapiDeviceSelector.OTHER_PRIORITY),
                AparapiIcdRegistry.priorityCeiling(k -> null, vendors, "Linux"));
        // PoCL asked for its CUDA devices may find a GPU.
        Map<String, String> cuda = Map.of("POCL_DEVICES", "cuda");
        assertEquals(
                OptionalInt.empty(),
                AparapiIcdRegistry.priorityCeiling(cuda::get, vendors, "Linux"));
        Files.writeString(vendors.resolve("nvidia.icd"), "libnvidia-opencl.so.1\n");
        assertEquals(
                OptionalInt.empty(),
                AparapiIcdRegistry.priorityCeiling(k -> null, vendors, "Linux"));
    }

    @Test
    void noRegistryOrAnotherSystemLeavesTheCeilingUnknown() {
        assertEquals(
                OptionalInt.empty(),
                AparapiIcdRegistry.priorityCeiling(k -> null, temp.resolve("absent"), "Linux"));
        assertEquals(
                OptionalInt.empty(),
                AparapiIcdRegistry.priorityCeiling(k -> null, temp, "Mac OS X"));
    }
}
