package org.amct.backend.aparapi;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.amct.spi.BackendException;
import org.amct.spi.ComputeBackend;

/**
 * The OpenCL runtime as the provider sees it, so that tests can stand in for a machine without
 * OpenCL or without float64. The real one is {@link AparapiOpenClRuntime}.
 */
interface AparapiRuntime {

    /**
     * Why no OpenCL driver can be there, found without loading any native library; asked before
     * anything else so that a machine without drivers loads nothing and prints nothing.
     *
     * @return the reason, or empty if a driver may be there
     */
    default Optional<String> driverProblem() {
        return Optional.empty();
    }

    /**
     * The highest priority the backend can reach here, known without loading any native library
     * (see {@link org.amct.spi.ComputeBackendProvider#priorityCeiling()}).
     *
     * @return the ceiling, or empty if only the probe can tell
     */
    default OptionalInt priorityCeiling() {
        return OptionalInt.empty();
    }

    /**
     * Why the OpenCL runtime cannot be used at all, for example because {@code libOpenCL.so.1} is
     * missing.
     *
     * @return the reason, or empty if the runtime loaded
     */
    Optional<String> loadProblem();

    /**
     * Every device of every OpenCL platform. Call only when {@link #loadProblem()} is empty.
     *
     * @return the devices, possibly none
     */
    List<AparapiDevice> devices();

    /**
     * Builds a small float64 kernel for a device.
     *
     * @param device one of {@link #devices()}
     * @return why the device cannot run float64 kernels, or empty if it can
     */
    Optional<String> doublePrecisionProblem(AparapiDevice device);

    /**
     * Opens the backend on a device: builds its kernels for that device.
     *
     * @param device one of {@link #devices()} without a {@link #doublePrecisionProblem}
     * @return the opened backend
     * @throws BackendException if a kernel cannot be built for the device
     */
    ComputeBackend open(AparapiDevice device);
}
