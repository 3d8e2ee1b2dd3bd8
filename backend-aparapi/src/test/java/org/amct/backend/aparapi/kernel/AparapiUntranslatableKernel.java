package org.amct.backend.aparapi.kernel;

import com.aparapi.Kernel;

/**
 * A test kernel that Aparapi cannot translate to OpenCL (it calls into {@link String}), so it fails
 * on every OpenCL device. Its own class, so that marking it failed on a device does not affect the
 * production kernels in the same JVM.
 */
public final class AparapiUntranslatableKernel extends Kernel implements AparapiExplicitKernel {
    private double[] values = new double[64];

    /** Creates the kernel in explicit transfer mode. */
    public AparapiUntranslatableKernel() {
        setExplicit(true);
    }

    @Override
    public void upload() {
        put(values);
    }

    @Override
    public void release() {
        values = new double[64];
    }

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < 64) {
            values[id] = String.valueOf(id).length();
        }
    }
}
