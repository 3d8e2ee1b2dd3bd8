package org.amct.backend.aparapi;

import java.util.Objects;
import org.amct.backend.aparapi.kernel.AparapiGramKernel;
import org.amct.backend.aparapi.kernel.AparapiJacobiKernel;
import org.amct.backend.aparapi.kernel.AparapiProjectionKernel;

/**
 * The kernels of an opened backend, built for its device, and that device.
 *
 * @param device the device they run on
 * @param gram forms {@code A A^T}
 * @param jacobi runs sweeps of the Jacobi eigen-solver
 * @param projection forms {@code P^T A}
 */
record AparapiKernels(
        AparapiDevice device,
        AparapiPinnedKernel<AparapiGramKernel> gram,
        AparapiPinnedKernel<AparapiJacobiKernel> jacobi,
        AparapiPinnedKernel<AparapiProjectionKernel> projection) {
    /** Checks that no component is null. */
    AparapiKernels {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(gram, "gram");
        Objects.requireNonNull(jacobi, "jacobi");
        Objects.requireNonNull(projection, "projection");
    }

    /** Releases the kernels' OpenCL resources. */
    void dispose() {
        gram.dispose();
        jacobi.dispose();
        projection.dispose();
    }
}
