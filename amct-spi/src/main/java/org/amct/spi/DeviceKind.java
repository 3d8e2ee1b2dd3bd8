package org.amct.spi;

/** The kind of device a backend computes on. */
public enum DeviceKind {
    /** The host processor, through Java code or a native library. */
    CPU,
    /** An NVIDIA GPU through CUDA. */
    CUDA,
    /** An OpenCL device (a GPU, or a CPU driver such as PoCL). */
    OPENCL
}
