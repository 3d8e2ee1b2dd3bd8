package org.amct.backend.openblas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.amct.spi.BackendException;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenBLAS native library, loaded through JavaCPP: what it is and its one process-wide setting,
 * the thread count.
 *
 * <p>Only {@link #load()} touches native code; the class is otherwise plain Java. Instances are
 * immutable and thread-safe, but {@link #useThreads(int)} changes a setting of the whole process.
 */
final class OpenBlasLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(OpenBlasLibrary.class);

    /** The platform this build bundles natives for. */
    static final String BUNDLED_PLATFORM = "linux-x86_64";

    /** {@code blas_get_vendor()} answers this when OpenBLAS's own thread setter was found. */
    private static final int VENDOR_OPENBLAS = 2;

    private static final Path CPU_INFO = Path.of("/proc/cpuinfo");

    private final String version;
    private final String platform;
    private final Optional<String> processor;

    private OpenBlasLibrary(String version, String platform, Optional<String> processor) {
        this.version = version;
        this.platform = platform;
        this.processor = processor;
    }

    /**
     * Loads the native library (JavaCPP extracts it to its cache on first use).
     *
     * @return the loaded library
     * @throws LinkageError if a native library or a JavaCPP class is missing or cannot be linked
     * @throws RuntimeException if JavaCPP fails to find or extract a library (it wraps I/O errors)
     */
    static OpenBlasLibrary load() {
        String loaded = Loader.load(openblas.class);
        if (loaded == null) {
            throw new UnsatisfiedLinkError(
                    "JavaCPP has no OpenBLAS build for platform " + Loader.getPlatform());
        }
        LOG.debug("Loaded OpenBLAS from {}", loaded);
        String version = openblas.OPENBLAS_VERSION.trim().replaceFirst("^OpenBLAS\\s*", "");
        return new OpenBlasLibrary(version, Loader.getPlatform(), processorName());
    }

    /**
     * The platform name in JavaCPP's form ({@code linux-x86_64}), without loading native code.
     * Falls back to the JVM's {@code os.name-os.arch} when JavaCPP itself is missing.
     *
     * @return the platform name
     */
    static String currentPlatform() {
        try {
            return Loader.getPlatform();
        } catch (LinkageError e) {
            LOG.debug("JavaCPP's Loader is not usable; naming the platform from the JVM", e);
            return System.getProperty("os.name", "unknown").toLowerCase()
                    + "-"
                    + System.getProperty("os.arch", "unknown");
        }
    }

    /**
     * Sets the number of threads OpenBLAS uses. This is one setting for the whole process: it
     * applies to every OpenBLAS call from any thread, including those of other backends that share
     * the library.
     *
     * @param threads the thread count, {@code >= 1}
     * @throws BackendException if the loaded library offers no way to set it
     */
    void useThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (openblas_nolapack.blas_get_vendor() == VENDOR_OPENBLAS
                && openblas_nolapack.blas_get_num_threads() == threads) {
            return; // already in force: setting it again costs a call into the thread server
        }
        openblas_nolapack.blas_set_num_threads(threads);
        if (openblas_nolapack.blas_get_vendor() != VENDOR_OPENBLAS) {
            throw new BackendException(
                    "Backend 'openblas': the loaded BLAS library does not export"
                            + " openblas_set_num_threads, so its thread count cannot be set to "
                            + threads
                            + ". Was -Dorg.bytedeco.openblas.load pointed at another library?");
        }
    }

    /**
     * The device as users see it.
     *
     * @param threads the thread count the backend uses
     * @return for example {@code "CPU, 2 threads (OpenBLAS 0.3.31, AMD EPYC)"}
     */
    String describe(int threads) {
        return "CPU, "
                + threads
                + (threads == 1 ? " thread" : " threads")
                + " (OpenBLAS "
                + version
                + processor.map(name -> ", " + name).orElse("")
                + ")";
    }

    /**
     * The OpenBLAS version, for example {@code 0.3.31}.
     *
     * @return the version text
     */
    String version() {
        return version;
    }

    /**
     * The platform the library was loaded for, for example {@code linux-x86_64}.
     *
     * @return the platform name
     */
    String platform() {
        return platform;
    }

    private static Optional<String> processorName() {
        if (!Files.isReadable(CPU_INFO)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(CPU_INFO, StandardCharsets.UTF_8);
            return lines.stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .filter(name -> !name.isEmpty())
                    .findFirst();
        } catch (IOException e) {
            LOG.debug("Could not read the processor name from {}", CPU_INFO, e);
            return Optional.empty();
        }
    }
}
