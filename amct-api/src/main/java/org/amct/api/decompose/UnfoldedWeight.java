package org.amct.api.decompose;

import java.nio.DoubleBuffer;
import java.util.Objects;
import org.amct.api.graph.Tensor;
import org.amct.spi.MatrixSource;

/**
 * The unfolded matrix {@code A} of a layer's weight (docs/design/ALGORITHM.md section 2) as a
 * {@link MatrixSource}: each block of columns is computed from the weight tensor, in its own dtype,
 * when a backend reads it, so that no float64 copy of the whole layer exists unless a backend asks
 * for one. The weight is read a run of whole kernels at a time, in storage order.
 *
 * <p>Also holds the weight's statistics from one pass over it: the first non-finite element, the
 * largest magnitude (the backends' scaling) and the sum of squares ({@code ||A||_F^2}, for the
 * relative error). Immutable and thread-safe.
 */
public final class UnfoldedWeight implements MatrixSource {
    private static final int STATS_CHUNK = 1 << 16;

    private final Unfolding unfolding;
    private final Tensor weight;
    private final int inChannels;
    private final int kernelWidth;
    private final int kernel;
    private final long firstNonFinite;
    private final double maxAbs;
    private final double sumOfSquares;

    private UnfoldedWeight(Unfolding unfolding, Tensor weight) {
        this.unfolding = unfolding;
        this.weight = weight;
        this.inChannels = weight.dim(1);
        this.kernelWidth = weight.dim(3);
        this.kernel = weight.dim(2) * weight.dim(3);
        long bad = -1;
        double max = 0;
        double sum = 0;
        double[] chunk = new double[(int) Math.min(STATS_CHUNK, Math.max(1, weight.numel()))];
        for (long start = 0; start < weight.numel(); start += chunk.length) {
            int count = (int) Math.min(chunk.length, weight.numel() - start);
            weight.readDoubles(start, count, chunk, 0);
            for (int k = 0; k < count; k++) {
                double value = chunk[k];
                if (!Double.isFinite(value)) {
                    if (bad < 0) {
                        bad = start + k;
                    }
                    continue;
                }
                max = Math.max(max, Math.abs(value));
                sum += value * value;
            }
        }
        this.firstNonFinite = bad;
        this.maxAbs = max;
        this.sumOfSquares = sum;
    }

    /**
     * The unfolding of a weight.
     *
     * @param unfolding the layer's unfolding
     * @param weight the weight, shape {@code [Cout, Cin, kh, kw]} matching the unfolding
     * @return the source, after one pass over the weight for its statistics
     * @throws IllegalArgumentException if the weight's shape does not match the unfolding
     */
    public static UnfoldedWeight of(Unfolding unfolding, Tensor weight) {
        Objects.requireNonNull(unfolding, "unfolding");
        Objects.requireNonNull(weight, "weight");
        if (weight.rank() != 4
                || (long) weight.dim(0) * weight.dim(1) != (long) unfolding.s0() * unfolding.s1()
                || (long) weight.dim(2) * weight.dim(3) != (long) unfolding.s2() * unfolding.s3()) {
            throw new IllegalArgumentException(
                    "A weight of shape "
                            + java.util.Arrays.toString(weight.shape())
                            + " does not match the unfolding "
                            + unfolding);
        }
        return new UnfoldedWeight(unfolding, weight);
    }

    @Override
    public int rows() {
        return unfolding.rows();
    }

    @Override
    public int cols() {
        return unfolding.cols();
    }

    /**
     * The flat index of the first NaN or infinite weight element.
     *
     * @return the index, or -1 when every element is finite
     */
    public long firstNonFiniteIndex() {
        return firstNonFinite;
    }

    /** {@inheritDoc} Known from the pass over the weight; NaN when an element is not finite. */
    @Override
    public double maxAbs() {
        return firstNonFinite >= 0 ? Double.NaN : maxAbs;
    }

    /**
     * {@code ||A||_F^2} over the finite elements.
     *
     * @return the sum of the squared elements
     */
    public double sumOfSquares() {
        return sumOfSquares;
    }

    @Override
    public void readColumns(int first, int count, double[] target) {
        Objects.checkFromIndexSize(first, count, cols());
        Objects.checkFromIndexSize(0, rows() * count, target.length);
        read(first, count, DoubleBuffer.wrap(target));
    }

    /**
     * {@inheritDoc} Each element is written once, straight from the weight (no staging array of the
     * block).
     */
    @Override
    public void readColumns(int first, int count, DoubleBuffer target) {
        Objects.checkFromIndexSize(first, count, cols());
        Objects.checkFromIndexSize(0, Math.multiplyExact(rows(), count), target.limit());
        read(first, count, target);
    }

    /** The doubles of weight read at once (a tile of runs of kernels): 512 KiB. */
    private static final int TILE_ELEMENTS = 1 << 16;

    /**
     * Writes the block row by row: for each row {@code (j, p)} its columns {@code (i, q)} are
     * gathered from a tile of the weight (read in storage order, in its dtype, then widened) into
     * one segment, which is copied into the target in one piece.
     */
    private void read(int first, int count, DoubleBuffer target) {
        if (count == 0) {
            return;
        }
        int s1 = unfolding.s1();
        int s2 = unfolding.s2();
        int s3 = unfolding.s3();
        int firstI = first / s3;
        int lastI = (first + count - 1) / s3;
        // the weight's (h, w) is (p, q), or (q, p) when the kernel axes are swapped
        boolean swapsKernel = unfolding.mode().swapsKernel();
        int pStride = swapsKernel ? 1 : kernelWidth;
        int qStride = swapsKernel ? kernelWidth : 1;
        double[] segment = new double[count];
        if (!unfolding.mode().swapsChannels()) {
            // i = output channel: the kernels of a run of i (every j = input channel) are one run
            int perI = s1 * kernel;
            int tile = Math.max(1, Math.min(lastI - firstI + 1, TILE_ELEMENTS / perI));
            double[] runs = new double[tile * perI];
            for (int i0 = firstI; i0 <= lastI; i0 += tile) {
                int i1 = Math.min(lastI + 1, i0 + tile);
                weight.readDoubles((long) i0 * perI, (i1 - i0) * perI, runs, 0);
                int lo = Math.max(first, i0 * s3);
                int hi = Math.min(first + count, i1 * s3);
                for (int j = 0; j < s1; j++) {
                    for (int p = 0; p < s2; p++) {
                        gather(runs, j * kernel + p * pStride, perI, i0, lo, hi, qStride, segment);
                        target.put((j * s2 + p) * count + lo - first, segment, 0, hi - lo);
                    }
                }
            }
        } else {
            // i = input channel, j = output channel: for each j the i range is one run
            int span = lastI - firstI + 1;
            double[] run = new double[span * kernel];
            for (int j = 0; j < s1; j++) {
                weight.readDoubles(
                        ((long) j * inChannels + firstI) * kernel, span * kernel, run, 0);
                for (int p = 0; p < s2; p++) {
                    gather(
                            run,
                            p * pStride,
                            kernel,
                            firstI,
                            first,
                            first + count,
                            qStride,
                            segment);
                    target.put((j * s2 + p) * count, segment, 0, count);
                }
            }
        }
    }

    /**
     * {@code segment[c - lo] = runs[offset + (i - i0) * perI + q * qStride]} for the columns {@code
     * c = i * s3 + q} in {@code [lo, hi)}.
     */
    private void gather(
            double[] runs,
            int offset,
            int perI,
            int i0,
            int lo,
            int hi,
            int qStride,
            double[] segment) {
        int s3 = unfolding.s3();
        int out = 0;
        int i = lo / s3;
        int q = lo - i * s3;
        int at = offset + (i - i0) * perI;
        for (int c = lo; c < hi; c++) {
            segment[out++] = runs[at + q * qStride];
            if (++q == s3) {
                q = 0;
                at += perI;
            }
        }
    }
}
