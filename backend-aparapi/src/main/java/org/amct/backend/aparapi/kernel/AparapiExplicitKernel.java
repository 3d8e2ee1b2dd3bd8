package org.amct.backend.aparapi.kernel;

/**
 * A kernel in Aparapi's explicit transfer mode: the caller binds its arrays, copies them to the
 * device, runs it, and copies results back; Aparapi moves nothing by itself.
 */
public interface AparapiExplicitKernel {

    /** Copies every bound array to the device. */
    void upload();

    /**
     * Binds empty arrays and zero sizes in place of the bound ones, so the kernel keeps nothing
     * alive on the host, and a run after {@link #upload()} does nothing but let Aparapi free the
     * old device buffers.
     */
    void release();
}
