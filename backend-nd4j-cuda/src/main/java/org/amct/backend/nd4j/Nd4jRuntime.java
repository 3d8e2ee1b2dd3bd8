package org.amct.backend.nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.amct.spi.BackendException;
import org.amct.spi.DenseMatrix;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ND4J as this process has it: which of ND4J's own backends runs (its native CPU backend or its
 * CUDA backend), the CUDA device in use, the ND4J version, and ND4J's process-wide thread settings.
 *
 * <p>ND4J is a process-wide singleton: it picks and initialises one of its backends the first time
 * {@link Nd4j} is used, and keeps it until the JVM exits. {@link #load()} makes that happen and
 * describes the result; it is the only place where this backend lets ND4J initialise. When ND4J has
 * both its CPU and CUDA backends on the class path it prefers CUDA and falls back to the CPU by
 * itself; {@link #load()} logs that at INFO with ND4J's reason, and {@link #isCuda()} and {@link
 * #describe(int)} say which one runs.
 *
 * <p>Immutable; thread-safe (the thread setting acts on ND4J's process-wide state).
 */
final class Nd4jRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(Nd4jRuntime.class);

    /** How far the self-check's singular values may be from 4 and 3. */
    private static final double SELF_CHECK_TOLERANCE = 1e-9;

    /** The Maven metadata of ND4J's API jar, which names ND4J's version. */
    private static final String ND4J_API_POM_PROPERTIES =
            "META-INF/maven/org.nd4j/nd4j-api/pom.properties";

    private final boolean cuda;
    private final String version;
    private final String blasVendor;
    private final int deviceCount;
    private final Optional<Nd4jCudaDevice> device;

    private Nd4jRuntime(
            boolean cuda,
            String version,
            String blasVendor,
            int deviceCount,
            Optional<Nd4jCudaDevice> device) {
        this.cuda = cuda;
        this.version = version;
        this.blasVendor = blasVendor;
        this.deviceCount = deviceCount;
        this.device = device;
    }

    /**
     * Finds ND4J's backends, lets ND4J initialise the one it prefers, checks that it computes, and
     * describes it.
     *
     * @return the runtime
     * @throws BackendException if none of ND4J's backends can run here (the message gives each
     *     one's reason, for example a missing CUDA library or no CUDA device), or if ND4J cannot
     *     factorize a 2 x 3 test matrix once initialised
     * @throws LinkageError if ND4J or one of its native libraries cannot be loaded
     * @throws RuntimeException if ND4J fails to initialise otherwise
     */
    static Nd4jRuntime load() {
        List<String> skipped = new ArrayList<>();
        boolean anyUsable = checkNd4jBackends(skipped);
        if (!anyUsable) {
            throw new BackendException(Nd4jMessages.noUsableNd4jBackend(skipped));
        }
        String backendClass = Nd4j.getBackend().getClass().getName();
        Properties environment = Nd4j.getExecutioner().getEnvironmentInformation();
        boolean cuda = "CUDA".equals(String.valueOf(environment.get(Nd4jEnvironment.BACKEND_KEY)));
        if (!skipped.isEmpty()) {
            LOG.info(
                    "ND4J runs its backend {}; it skipped: {}",
                    backendClass,
                    String.join("; ", skipped));
        }
        int deviceCount = cuda ? Nd4j.getAffinityManager().getNumberOfDevices() : 0;
        Optional<Nd4jCudaDevice> device =
                cuda
                        ? cudaDevice(
                                environment, Nd4j.getAffinityManager().getDeviceForCurrentThread())
                        : Optional.empty();
        String vendor = String.valueOf(environment.get(Nd4jEnvironment.BLAS_VENDOR_KEY));
        Nd4jRuntime runtime = new Nd4jRuntime(cuda, version(), vendor, deviceCount, device);
        selfCheck(backendClass);
        LOG.debug("ND4J backend {}: {}", backendClass, runtime.describe(1));
        return runtime;
    }

    /**
     * Factorizes a 2 x 3 matrix with singular values 4 and 3 the way the backend will, so that an
     * ND4J that initialises but cannot compute (a native routine missing, memory access broken) is
     * reported by the probe rather than by the first layer.
     *
     * <p>Then {@link Nd4jSelfCheck} measures the accuracy of a layer-sized factorization, since
     * some of ND4J's bundled BLAS kernels compute wrong results on some CPUs.
     *
     * @throws BackendException if the factorization fails or gives wrong values
     */
    private static void selfCheck(String backendClass) {
        DenseMatrix check = DenseMatrix.wrap(2, 3, new double[] {0, 3, 0, 4, 0, 0});
        double[] values;
        try (Nd4jFactorization factorization = Nd4jFactorization.compute(check, () -> {})) {
            values = factorization.singularValues();
            factorization.truncate(1);
        } catch (RuntimeException e) {
            throw new BackendException(
                    "ND4J initialised ("
                            + backendClass
                            + ") but could not factorize a 2 x 3 matrix: "
                            + Nd4jMessages.causes(e),
                    e);
        }
        if (Math.abs(values[0] - 4) > SELF_CHECK_TOLERANCE
                || Math.abs(values[1] - 3) > SELF_CHECK_TOLERANCE) {
            throw new BackendException(
                    "ND4J initialised ("
                            + backendClass
                            + ") but computed the singular values "
                            + Arrays.toString(values)
                            + " instead of [4.0, 3.0] for a 2 x 3 test matrix");
        }
        Optional<String> wrong =
                Nd4jSelfCheck.run(matrix -> Nd4jFactorization.compute(matrix, () -> {}));
        if (wrong.isPresent()) {
            throw new BackendException(wrong.get() + " (backend " + backendClass + ")");
        }
    }

    /**
     * Whether ND4J runs its CUDA backend.
     *
     * @return {@code true} for CUDA, {@code false} for ND4J's native CPU backend
     */
    boolean isCuda() {
        return cuda;
    }

    /**
     * The device as users see it.
     *
     * @param threads the CPU thread count the backend uses (shown on the CPU only)
     * @return for example {@code "CPU, 2 threads (ND4J 1.0.0-M2.1 native, OPENBLAS)"} or {@code
     *     "CUDA device 0 of 1: NVIDIA A100-SXM4-40GB, 39.4 GiB, compute capability 8.0 (ND4J
     *     1.0.0-M2.1, cuBLAS and cuSOLVER)"}
     */
    String describe(int threads) {
        if (!cuda) {
            return "CPU, "
                    + threads
                    + (threads == 1 ? " thread" : " threads")
                    + " (ND4J "
                    + version
                    + " native, "
                    + blasVendor
                    + ")";
        }
        String details =
                device.map(Nd4jCudaDevice::describe)
                        .orElse("ND4J reported no details for this device");
        int index = device.map(Nd4jCudaDevice::index).orElse(0);
        return "CUDA device "
                + index
                + " of "
                + deviceCount
                + ": "
                + details
                + " (ND4J "
                + version
                + ", cuBLAS and cuSOLVER)";
    }

    /**
     * Sets ND4J's process-wide CPU thread counts (its BLAS threads and its own op threads) on the
     * CPU backend; on CUDA the work runs on the device and this does nothing.
     *
     * @param threads the thread count, {@code >= 1}
     */
    void useThreads(int threads) {
        if (cuda) {
            return;
        }
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
    }

    /**
     * Asks each of ND4J's backends on the class path whether it can run, as ND4J itself will.
     *
     * @param skipped receives {@code "<class>: <reason>"} for each one that cannot
     * @return whether at least one can
     */
    private static boolean checkNd4jBackends(List<String> skipped) {
        boolean anyUsable = false;
        try {
            ServiceLoader<org.nd4j.linalg.factory.Nd4jBackend> backends =
                    ServiceLoader.load(
                            org.nd4j.linalg.factory.Nd4jBackend.class,
                            Nd4jRuntime.class.getClassLoader());
            for (org.nd4j.linalg.factory.Nd4jBackend backend : backends) {
                String name = backend.getClass().getSimpleName();
                try {
                    if (backend.isAvailable()) {
                        anyUsable = true;
                    } else {
                        skipped.add(name + ": it reports that it cannot run here");
                    }
                } catch (RuntimeException e) {
                    skipped.add(name + ": " + Nd4jMessages.initFailure(e));
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new BackendException(
                    "ND4J's backend list (META-INF/services/org.nd4j.linalg.factory.Nd4jBackend)"
                            + " names a class that cannot be loaded: "
                            + e.getMessage(),
                    e);
        }
        return anyUsable;
    }

    /** The device ND4J uses for this thread, from ND4J's environment information. */
    private static Optional<Nd4jCudaDevice> cudaDevice(Properties environment, Integer index) {
        Object list = environment.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY);
        if (index == null || !(list instanceof List<?> devices) || index >= devices.size()) {
            return Optional.empty();
        }
        if (!(devices.get(index) instanceof Map<?, ?> properties)) {
            return Optional.empty();
        }
        return Optional.of(
                new Nd4jCudaDevice(
                        index,
                        String.valueOf(properties.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY)),
                        number(properties.get(Nd4jEnvironment.CUDA_TOTAL_MEMORY_KEY)),
                        (int) number(properties.get(Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY)),
                        (int)
                                number(
                                        properties.get(
                                                Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY))));
    }

    private static long number(Object value) {
        return value instanceof Number number ? number.longValue() : 0L;
    }

    /**
     * ND4J's version, from the Maven metadata in the nd4j-api jar (ND4J's own {@code VersionCheck}
     * looks for build files under a package its 1.0.0-M2.1 jars no longer use).
     *
     * @return for example {@code "1.0.0-M2.1"}, or {@code "(version unknown)"} when the metadata is
     *     missing or unreadable
     */
    private static String version() {
        Properties properties = new Properties();
        try (InputStream in =
                Nd4j.class.getClassLoader().getResourceAsStream(ND4J_API_POM_PROPERTIES)) {
            if (in == null) {
                return "(version unknown)";
            }
            properties.load(in);
        } catch (IOException e) {
            LOG.debug("Cannot read {}", ND4J_API_POM_PROPERTIES, e);
            return "(version unknown)";
        }
        return properties.getProperty("version", "(version unknown)");
    }
}
