package org.amct.backend.nd4j;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.amct.spi.Availability;
import org.amct.spi.BackendDescriptor;
import org.amct.spi.BackendException;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.ComputeBackendProvider;
import org.amct.spi.DeviceKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider of the {@code nd4j} backend: the Gram-matrix factorization with ND4J operations, on
 * a CUDA GPU when ND4J's CUDA backend ({@code nd4j-cuda-11.6}) runs, on ND4J's native CPU backend
 * ({@code nd4j-native}) otherwise. With a CUDA device it has priority {@value #CUDA_PRIORITY},
 * above every other backend; on the CPU {@value #CPU_PRIORITY}, below EJML, because it was slower
 * than the EJML and OpenBLAS backends there (docs/backends/nd4j.md).
 *
 * <p>Layout: ND4J's module descriptors are not usable on the module path, so this backend is a
 * class-path jar (no {@code module-info}): it ships {@code
 * META-INF/services/org.amct.spi.ComputeBackendProvider}, and {@link java.util.ServiceLoader} in
 * the named module {@code org.amct.api} finds it there. Its jar and ND4J's jars go on the class
 * path; the application's own modules may stay on the module path.
 *
 * <p>Cost: constructing it and {@link #descriptor()} load no ND4J class (they use resource look-ups
 * only). {@link #probe()} lets ND4J initialise (a few seconds the first time: ND4J extracts and
 * loads its native libraries), and reports the backend unavailable, with the reason, when ND4J is
 * not on the class path, when none of its backends can run (no CUDA device, a missing CUDA library)
 * or when its native library fails to load. Instances are stateless and thread-safe.
 */
public final class Nd4jBackendProvider implements ComputeBackendProvider {
    private static final Logger LOG = LoggerFactory.getLogger(Nd4jBackendProvider.class);

    /** The id users select this backend by. */
    static final BackendId ID = BackendId.of("nd4j");

    /** The priority on a CUDA device: the GPU band, above every CPU backend. */
    static final int CUDA_PRIORITY = 400;

    /** The priority on ND4J's CPU backend: below EJML (100), as fast or faster on larger layers. */
    static final int CPU_PRIORITY = 50;

    private final ClassLoader classLoader;
    private final Supplier<Nd4jRuntime> loader;

    /** Creates the provider; loads nothing. */
    public Nd4jBackendProvider() {
        this(Nd4jBackendProvider.class.getClassLoader(), () -> Nd4jRuntime.load());
    }

    /**
     * Creates a provider that looks for ND4J through {@code classLoader} and initialises it through
     * {@code loader}, so that tests can simulate a missing ND4J or a failing native library.
     *
     * @param classLoader where to look for ND4J's classes (as resources)
     * @param loader initialises ND4J; may throw {@link LinkageError} or {@link RuntimeException}
     */
    Nd4jBackendProvider(ClassLoader classLoader, Supplier<Nd4jRuntime> loader) {
        this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /**
     * {@inheritDoc}
     *
     * <p>The device kind is {@link DeviceKind#CUDA} when ND4J's CUDA backend is on the class path
     * and {@link DeviceKind#CPU} otherwise; whether a GPU is really there is for {@link #probe()}.
     */
    @Override
    public BackendDescriptor descriptor() {
        boolean cuda = Nd4jClassPath.hasCudaBackend(classLoader);
        return new BackendDescriptor(
                ID,
                cuda ? "ND4J (CUDA)" : "ND4J (native CPU)",
                cuda ? DeviceKind.CUDA : DeviceKind.CPU);
    }

    /**
     * Initialises ND4J and reports the device it runs on with the default thread count: a CUDA
     * device with priority {@value #CUDA_PRIORITY}, or the CPU with priority {@value
     * #CPU_PRIORITY}. Unavailable, with the reason, when ND4J is absent or cannot initialise.
     */
    @Override
    public Availability probe() {
        if (!Nd4jClassPath.hasNd4j(classLoader)) {
            return Availability.unavailable(Nd4jMessages.notOnClassPath(), Nd4jMessages.hint());
        }
        List<String> missing = Nd4jClassPath.missingJdkModules();
        if (!missing.isEmpty()) {
            return Availability.unavailable(
                    Nd4jMessages.missingJdkModules(missing), Nd4jMessages.hint());
        }
        try {
            Nd4jRuntime runtime = loader.get();
            int threads = BackendOptions.defaults().effectiveThreads();
            return Availability.available(
                    runtime.describe(threads), runtime.isCuda() ? CUDA_PRIORITY : CPU_PRIORITY);
        } catch (BackendException e) {
            LOG.debug("Backend 'nd4j' is unavailable", e);
            return Availability.unavailable(e.getMessage(), Nd4jMessages.hint());
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("Backend 'nd4j' is unavailable", e);
            return Availability.unavailable(Nd4jMessages.initFailure(e), Nd4jMessages.hint());
        }
    }

    /**
     * Initialises ND4J, applies {@link BackendOptions#effectiveThreads()} to its process-wide CPU
     * thread counts (on the CPU backend) and opens the backend.
     *
     * @throws BackendException if ND4J is absent or cannot initialise
     */
    @Override
    public ComputeBackend open(BackendOptions options) {
        Objects.requireNonNull(options, "options");
        if (!Nd4jClassPath.hasNd4j(classLoader)) {
            throw new BackendException(
                    "Backend 'nd4j': "
                            + Nd4jMessages.notOnClassPath()
                            + ". "
                            + Nd4jMessages.hint());
        }
        Nd4jRuntime runtime;
        try {
            runtime = loader.get();
        } catch (BackendException e) {
            throw new BackendException(
                    "Backend 'nd4j': " + e.getMessage() + ". " + Nd4jMessages.hint(), e);
        } catch (LinkageError | RuntimeException e) {
            throw new BackendException(
                    "Backend 'nd4j': " + Nd4jMessages.initFailure(e) + ". " + Nd4jMessages.hint(),
                    e);
        }
        return new Nd4jBackend(runtime, options.effectiveThreads());
    }
}
