package org.amct.backend.openblas;

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
 * The provider of the {@code openblas} backend: native LAPACK on the CPU, through the OpenBLAS
 * build that JavaCPP bundles (natives for {@code linux-x86_64}). It is the fast default on machines
 * where the native library loads, with priority {@value #PRIORITY}.
 *
 * <p>Constructing it and calling {@link #descriptor()} load no native code; {@link #probe()} loads
 * the library and reports it unavailable, with the reason, when that fails. Instances are stateless
 * and thread-safe.
 */
public final class OpenBlasBackendProvider implements ComputeBackendProvider {
    private static final Logger LOG = LoggerFactory.getLogger(OpenBlasBackendProvider.class);

    /** The id users select this backend by. */
    static final BackendId ID = BackendId.of("openblas");

    /** The priority when available: the band of native CPU libraries. */
    static final int PRIORITY = 200;

    private static final BackendDescriptor DESCRIPTOR =
            new BackendDescriptor(ID, "OpenBLAS LAPACK (native)", DeviceKind.CPU);

    private final Supplier<OpenBlasLibrary> loader;

    /** Creates the provider; loads nothing. */
    public OpenBlasBackendProvider() {
        this(OpenBlasLibrary::load);
    }

    /**
     * Creates a provider that loads the library through {@code loader}, so that tests can simulate
     * a missing native library.
     *
     * @param loader loads the library; may throw {@link LinkageError} or {@link RuntimeException}
     */
    OpenBlasBackendProvider(Supplier<OpenBlasLibrary> loader) {
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    @Override
    public BackendDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /**
     * Loads the native library and reports the device it would use with the default thread count. A
     * library that cannot be loaded (missing platform jar, wrong platform, unwritable JavaCPP
     * cache) is reported as unavailable, naming the library, the platform and what to do.
     */
    @Override
    public Availability probe() {
        try {
            OpenBlasLibrary library = loader.get();
            int threads = BackendOptions.defaults().effectiveThreads();
            return Availability.available(library.describe(threads), PRIORITY);
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("Backend 'openblas' is unavailable", e);
            return Availability.unavailable(
                    OpenBlasMessages.loadFailure(e), OpenBlasMessages.hint());
        }
    }

    /**
     * Loads the library, sets OpenBLAS's process-wide thread count to {@link
     * BackendOptions#effectiveThreads()} and opens the backend.
     *
     * @throws BackendException if the native library cannot be loaded or configured
     */
    @Override
    public ComputeBackend open(BackendOptions options) {
        Objects.requireNonNull(options, "options");
        OpenBlasLibrary library;
        try {
            library = loader.get();
        } catch (LinkageError | RuntimeException e) {
            throw new BackendException(
                    OpenBlasMessages.loadFailure(e) + ". " + OpenBlasMessages.hint(), e);
        }
        return new OpenBlasBackend(library, options.effectiveThreads());
    }
}
