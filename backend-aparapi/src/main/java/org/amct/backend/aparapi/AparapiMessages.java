package org.amct.backend.aparapi;

/** The texts users read when the backend cannot run, kept in one place. */
final class AparapiMessages {
    /** What to install when there is no OpenCL runtime or no device with float64. */
    static final String INSTALL_HINT =
            "Install an OpenCL driver with float64 support: for the CPU, PoCL"
                    + " ('apt-get install pocl-opencl-icd ocl-icd-libopencl1' on Debian or"
                    + " Ubuntu); for a GPU, the vendor's OpenCL driver (NVIDIA's driver with its"
                    + " OpenCL ICD, AMD ROCm OpenCL, or Intel compute-runtime)";

    private AparapiMessages() {}

    /**
     * The reason given when the OpenCL runtime cannot be loaded.
     *
     * @param detail what the loader said, for example {@code "libOpenCL.so.1: cannot open shared
     *     object file"}
     * @return the reason
     */
    static String loadFailure(String detail) {
        return "No OpenCL runtime: Aparapi's native library could not be loaded (" + detail + ")";
    }

    /**
     * The reason given when a throwable escaped the probe (a broken class path, a driver crash).
     *
     * @param failure what was thrown
     * @return the reason
     */
    static String probeFailure(Throwable failure) {
        return "Looking for OpenCL devices failed: " + failure;
    }
}
