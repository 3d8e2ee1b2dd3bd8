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
     * {@inheritDoc} Each element is written once, straight from the weight (no staging array of
     * the block).
     */
    @Override
    public void readColumns(int first, int count, DoubleBuffer target) {
        Objects.checkFromIndexSize(first, count, cols());
        Objects.checkFromIndexSize(0, Math.multiplyExact(rows(), count), target.limit());
        read(first, count, target);
    }

    private void read(int first, int count, DoubleBuffer target) {
        if (count == 0) {
            return;
        }
        int s1 = unfolding.s1();
        int s3 = unfolding.s3();
        int firstI = first / s3;
        int lastI = (first + count - 1) / s3;
        if (!unfolding.mode().swapsChannels()) {
            // i = output channel: its kernels for every j (= input channel) are one run
            double[] run = new double[s1 * kernel];
            for (int i = firstI; i <= lastI; i++) {
                weight.readDoubles((long) i * s1 * kernel, s1 * kernel, run, 0);
                for (int j = 0; j < s1; j++) {
                    scatter(run, j * kernel, i, j, first, count, target);
                }
            }
        } else {
            // i = input channel, j = output channel: for each j the i range is one run
            int span = lastI - firstI + 1;
            double[] run = new double[span * kernel];
            for (int j = 0; j < s1; j++) {
                weight.readDoubles(
                        ((long) j * inChannels + firstI) * kernel, span * kernel, run, 0);
                for (int i = firstI; i <= lastI; i++) {
                    scatter(run, (i - firstI) * kernel, i, j, first, count, target);
                }
            }
        }
    }

    /** Writes kernel {@code (i, j)} (at {@code run[offset..]}) into the block's rows. */
    private void scatter(
            double[] run, int offset, int i, int j, int first, int count, DoubleBuffer target) {
        int s2 = unfolding.s2();
        int s3 = unfolding.s3();
        int qLo = Math.max(0, first - i * s3);
        int qHi = Math.min(s3, first + count - i * s3);
        // the weight's (h, w) is (p, q), or (q, p) when the kernel axes are swapped
        int pStride = unfolding.mode().swapsKernel() ? 1 : kernelWidth;
        int qStride = unfolding.mode().swapsKernel() ? kernelWidth : 1;
        for (int p = 0; p < s2; p++) {
            int row = ((j * s2 + p) * count) + i * s3 - first;
            int from = offset + p * pStride;
            for (int q = qLo; q < qHi; q++) {
                target.put(row + q, run[from + q * qStride]);
            }
        }
    }
}
