package org.amct.backend.aparapi.kernel;

import com.aparapi.Kernel;

/**
 * A tiny float64 kernel that the probe builds and runs once on a device: Aparapi refuses to build a
 * kernel that uses {@code double} for a device without {@code cl_khr_fp64}, so a successful build
 * and run show that the device has float64 and that Aparapi can use it. Not thread-safe.
 */
public final class AparapiDoubleCheckKernel extends Kernel implements AparapiExplicitKernel {
    private double[] values = new double[1];
    private int count = 1;

    /** Creates the kernel in explicit transfer mode. */
    public AparapiDoubleCheckKernel() {
        setExplicit(true);
    }

    @Override
    public void upload() {
        put(values);
    }

    @Override
    public void release() {
        values = new double[1];
        count = 1;
    }

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < count) {
            values[id] = Math.sqrt(values[id] * 0.5);
        }
    }
}
