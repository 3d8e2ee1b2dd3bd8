package org.amct.backend.aparapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Reads the OpenCL driver registry (the ICD files that the Linux OpenCL loaders, ocl-icd and the
 * Khronos loader, read) in plain Java, so that a machine without any OpenCL driver is told so
 * without loading Aparapi's native library, which prints to the process's stderr when it lists
 * platforms. Answers only when it is sure: with an override it cannot read ({@code
 * OCL_ICD_FILENAMES}, an {@code OCL_ICD_VENDORS} that is not a folder) or on another system, it
 * leaves the question to the native probe. Thread-safe (stateless).
 */
final class AparapiIcdRegistry {
    /** The folder the loaders read when no variable overrides it. */
    static final Path DEFAULT_VENDORS = Path.of("/etc/OpenCL/vendors");

    private AparapiIcdRegistry() {}

    /**
     * Why no OpenCL driver can be there, when that is certain.
     *
     * @param environment reads an environment variable ({@code System::getenv})
     * @param defaultVendors the folder read when no variable names one
     * @param osName the {@code os.name} property
     * @return the reason, or empty if a driver may be registered
     */
    static Optional<String> missingDriver(
            UnaryOperator<String> environment, Path defaultVendors, String osName) {
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.empty();
        }
        if (isSet(environment.apply("OCL_ICD_FILENAMES"))) {
            return Optional.empty();
        }
        Path vendors = defaultVendors;
        String source = "";
        String override = environment.apply("OCL_ICD_VENDORS");
        String legacy = environment.apply("OPENCL_VENDOR_PATH");
        if (isSet(override)) {
            vendors = Path.of(override.strip());
            source = " (named by OCL_ICD_VENDORS)";
            if (!Files.isDirectory(vendors)) {
                return Optional.empty();
            }
        } else if (isSet(legacy)) {
            vendors = Path.of(legacy.strip());
            source = " (named by OPENCL_VENDOR_PATH)";
        }
        if (!Files.isDirectory(vendors)) {
            return Optional.of(
                    "No OpenCL driver is registered: " + vendors + source + " does not exist");
        }
        try (Stream<Path> files = Files.list(vendors)) {
            if (files.anyMatch(f -> f.getFileName().toString().endsWith(".icd"))) {
                return Optional.empty();
            }
        } catch (IOException | UncheckedIOException e) {
            // Unreadable: let the native loader have its say.
            return Optional.empty();
        }
        return Optional.of("No OpenCL driver is registered: no .icd file in " + vendors + source);
    }

    /**
     * The highest priority the backend can reach, when the registry shows that only CPU drivers are
     * there (PoCL's CPU devices, Intel's CPU runtime, Oclgrind): then no GPU can be found and the
     * backend ranks at most {@link AparapiDeviceSelector#OTHER_PRIORITY}, so the automatic choice
     * need not probe it (which would load the native library and let it print).
     *
     * @param environment reads an environment variable ({@code System::getenv})
     * @param defaultVendors the folder read when no variable names one
     * @param osName the {@code os.name} property
     * @return the ceiling, or empty when a GPU driver may be registered (or it cannot tell)
     */
    static OptionalInt priorityCeiling(
            UnaryOperator<String> environment, Path defaultVendors, String osName) {
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")
                || isSet(environment.apply("OCL_ICD_FILENAMES"))) {
            return OptionalInt.empty();
        }
        Path vendors = defaultVendors;
        String override = environment.apply("OCL_ICD_VENDORS");
        String legacy = environment.apply("OPENCL_VENDOR_PATH");
        if (isSet(override)) {
            vendors = Path.of(override.strip());
        } else if (isSet(legacy)) {
            vendors = Path.of(legacy.strip());
        }
        if (!Files.isDirectory(vendors)) {
            return OptionalInt.empty();
        }
        boolean any = false;
        try (Stream<Path> files = Files.list(vendors)) {
            for (Path icd :
                    files.filter(f -> f.getFileName().toString().endsWith(".icd")).toList()) {
                any = true;
                String library = Files.readString(icd).strip().toLowerCase(Locale.ROOT);
                if (!isCpuOnly(library, environment)) {
                    return OptionalInt.empty();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return OptionalInt.empty();
        }
        return any ? OptionalInt.of(AparapiDeviceSelector.OTHER_PRIORITY) : OptionalInt.empty();
    }

    /** Whether an ICD's library is a driver that offers CPU devices only. */
    private static boolean isCpuOnly(String library, UnaryOperator<String> environment) {
        if (library.contains("pocl")) {
            // PoCL can also drive GPUs (its cuda, level0 devices) when POCL_DEVICES asks for them.
            String devices = environment.apply("POCL_DEVICES");
            return !isSet(devices)
                    || java.util.Arrays.stream(devices.toLowerCase(Locale.ROOT).split("[ ,]+"))
                            .allMatch(
                                    d ->
                                            d.isEmpty()
                                                    || d.equals("cpu")
                                                    || d.equals("pthread")
                                                    || d.equals("basic"));
        }
        return library.contains("intelocl") || library.contains("oclgrind");
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
