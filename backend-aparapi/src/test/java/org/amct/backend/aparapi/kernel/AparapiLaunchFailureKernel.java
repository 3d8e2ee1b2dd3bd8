package org.amct.backend.aparapi.kernel;

import com.aparapi.Kernel;

/**
 * A test kernel that translates fine, which a test launches with a work-group larger than the
 * device allows. Its own class, because Aparapi then marks the class failed on the device for the
 * rest of the JVM.
 */
public final class AparapiLaunchFailureKernel extends Kernel implements AparapiExplicitKernel {
    private double[] values = new double[1];
    private int count;

    /** Creates the kernel in explicit transfer mode. */
    public AparapiLaunchFailureKernel() {
        setExplicit(true);
    }

    /**
     * Binds the output.
     *
     * @param values receives {@code i * i} at index {@code i}
     */
    public void bind(double[] values) {
        this.values = values;
        this.count = values.length;
    }

    /** Copies the output back from the device. */
    public void download() {
        get(values);
    }

    @Override
    public void upload() {
        put(values);
    }

    @Override
    public void release() {
        values = new double[1];
        count = 0;
    }

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < count) {
            values[id] = (double) id * id;
        }
    }
}
