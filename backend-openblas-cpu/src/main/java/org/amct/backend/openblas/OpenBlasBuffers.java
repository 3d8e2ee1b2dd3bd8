package org.amct.backend.openblas;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Native (off-heap) float64 buffers for OpenBLAS calls: allocation and bulk copies between them and
 * Java arrays. Native buffers avoid the copies that JNI makes of every Java array passed to a
 * native routine, so the memory a factorization needs is exactly what it allocates here.
 *
 * <p>Native memory counts against JavaCPP's limit {@code -Dorg.bytedeco.javacpp.maxBytes} (by
 * default the maximum Java heap size). Stateless; thread-safe.
 */
final class OpenBlasBuffers {
    private OpenBlasBuffers() {}

    /**
     * Allocates an uninitialised native buffer.
     *
     * @param elements the number of doubles, {@code >= 0}; at least one is allocated
     * @return the buffer, owned by the caller, who closes it
     * @throws OutOfMemoryError if the native memory is not available
     */
    static DoublePointer allocate(long elements) {
        return new DoublePointer(Math.max(1, elements));
    }

    /**
     * Allocates a native copy of the first {@code elements} doubles of {@code source}.
     *
     * @param source the buffer to copy
     * @param elements how many doubles to copy
     * @return the copy, at least one element long, owned by the caller
     */
    static DoublePointer copyOf(DoublePointer source, long elements) {
        DoublePointer copy = allocate(elements);
        Pointer.memcpy(copy, source, elements * Double.BYTES);
        return copy;
    }

    /**
     * Copies {@code length} doubles from {@code source[offset...]} into a Java array.
     *
     * @param source the native buffer
     * @param offset the first element to read, counted from the buffer's start
     * @param target the Java array to write
     * @param targetOffset where to start writing
     * @param length how many doubles
     */
    static void read(
            DoublePointer source, long offset, double[] target, int targetOffset, int length) {
        long position = source.position();
        source.position(position + offset).get(target, targetOffset, length);
        source.position(position);
    }

    /**
     * Copies {@code length} doubles from a Java array into {@code target[offset...]}.
     *
     * @param source the Java array to read
     * @param sourceOffset where to start reading
     * @param target the native buffer
     * @param offset the first element to write, counted from the buffer's start
     * @param length how many doubles
     */
    static void write(
            double[] source, int sourceOffset, DoublePointer target, long offset, int length) {
        long position = target.position();
        target.position(position + offset).put(source, sourceOffset, length);
        target.position(position);
    }
}
