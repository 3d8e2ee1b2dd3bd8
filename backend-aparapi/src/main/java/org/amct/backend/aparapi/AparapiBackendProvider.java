package org.amct.backend.aparapi;

import java.util.Objects;
import java.util.OptionalInt;
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
 * The provider of the {@code aparapi} backend: float64 OpenCL kernels, written in Java with
 * Aparapi, on the best OpenCL device with float64 that the system's drivers offer.
 *
 * <p>Choice of device: a GPU before an accelerator before a CPU (see {@link
 * AparapiDeviceSelector}). A GPU gets priority {@value AparapiDeviceSelector#GPU_PRIORITY}, above
 * every CPU backend; any other device gets {@value AparapiDeviceSelector#OTHER_PRIORITY}, below
 * every CPU backend, so that a CPU driver such as PoCL is used only when this backend is forced.
 *
 * <p>Constructing it and calling {@link #descriptor()} load no native code. {@link #probe()} loads
 * Aparapi's native library (which needs {@code libOpenCL.so.1}), lists the OpenCL platforms and
 * devices and builds a small float64 kernel on the preferred device; it reports the backend
 * unavailable, saying what to install, when any of that fails. Instances are stateless and
 * thread-safe.
 */
public final class AparapiBackendProvider implements ComputeBackendProvider {
    /** The id users select this backend by. */
    static final BackendId ID = BackendId.of("aparapi");

    private static final Logger LOG = LoggerFactory.getLogger(AparapiBackendProvider.class);

    private static final BackendDescriptor DESCRIPTOR =
            new BackendDescriptor(ID, "Aparapi OpenCL (float64 kernels)", DeviceKind.OPENCL);

    private final Supplier<AparapiRuntime> runtime;

    /** Creates the provider; loads nothing. */
    public AparapiBackendProvider() {
        this(AparapiOpenClRuntime::new);
    }

    /**
     * Creates a provider on another runtime, so that tests can simulate machines without OpenCL.
     *
     * @param runtime supplies the runtime; it and its methods may throw {@link LinkageError} or
     *     {@link RuntimeException}
     */
    AparapiBackendProvider(Supplier<AparapiRuntime> runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    @Override
    public BackendDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /**
     * {@value AparapiDeviceSelector#OTHER_PRIORITY} when the OpenCL driver registry lists only CPU
     * drivers (PoCL, Intel's CPU runtime), read in plain Java; otherwise unknown. So on a machine
     * with PoCL alone the automatic choice does not probe this backend, and Aparapi's native
     * library stays unloaded and silent unless the backend is forced or listed.
     */
    @Override
    public OptionalInt priorityCeiling() {
        try {
            return runtime.get().priorityCeiling();
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("Backend 'aparapi': reading the OpenCL driver registry failed", e);
            return OptionalInt.empty();
        }
    }

    /**
     * Finds the OpenCL device the backend would use. Never throws: a missing OpenCL library, no
     * platform, no device or no float64 are reported as unavailable with what to install.
     */
    @Override
    public Availability probe() {
        AparapiDeviceSelection selection = select();
        if (selection instanceof AparapiDeviceSelection.Chosen chosen) {
            return Availability.available(chosen.description(), chosen.priority());
        }
        AparapiDeviceSelection.NoDevice none = (AparapiDeviceSelection.NoDevice) selection;
        return Availability.unavailable(none.reason(), none.hint());
    }

    /**
     * Chooses the device as {@link #probe()} does and builds the backend's kernels for it. The
     * thread count of {@code options} does not apply: the OpenCL driver decides how the device is
     * used (PoCL reads {@code POCL_MAX_PTHREAD_COUNT}).
     *
     * @throws BackendException with the probe's reason if there is no usable device, or if a kernel
     *     cannot be built for it
     */
    @Override
    public ComputeBackend open(BackendOptions options) {
        Objects.requireNonNull(options, "options");
        AparapiDeviceSelection selection = select();
        if (selection instanceof AparapiDeviceSelection.NoDevice none) {
            throw new BackendException(
                    "Backend 'aparapi' is unavailable: " + none.reason() + ". " + none.hint());
        }
        AparapiDeviceSelection.Chosen chosen = (AparapiDeviceSelection.Chosen) selection;
        if (options.threads() != 0) {
            LOG.debug(
                    "aparapi: ignoring threads={}; the OpenCL driver schedules the device",
                    options.threads());
        }
        try {
            return runtime.get().open(chosen.device());
        } catch (LinkageError e) {
            throw new BackendException(
                    "Backend 'aparapi' could not open " + chosen.description() + ": " + e, e);
        }
    }

    private AparapiDeviceSelection select() {
        try {
            return AparapiDeviceSelector.select(runtime.get());
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("Backend 'aparapi': looking for OpenCL devices failed", e);
            return new AparapiDeviceSelection.NoDevice(
                    AparapiMessages.probeFailure(e), AparapiMessages.INSTALL_HINT);
        }
    }
}
