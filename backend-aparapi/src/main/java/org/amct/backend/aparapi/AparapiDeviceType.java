package org.amct.backend.aparapi;

/** The kind of an OpenCL device, as its driver reports it. */
enum AparapiDeviceType {
    /** A graphics processor: the reason this backend exists. */
    GPU("GPU"),
    /** An accelerator card (OpenCL's {@code CL_DEVICE_TYPE_ACCELERATOR}). */
    ACCELERATOR("accelerator"),
    /** The host processor through a CPU driver such as PoCL. */
    CPU("CPU"),
    /** Anything else a driver reports. */
    OTHER("device");

    private final String label;

    AparapiDeviceType(String label) {
        this.label = label;
    }

    /**
     * The word users read in device descriptions.
     *
     * @return for example {@code "GPU"}
     */
    String label() {
        return label;
    }
}
