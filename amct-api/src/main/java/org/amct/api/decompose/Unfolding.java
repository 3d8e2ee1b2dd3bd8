package org.amct.api.decompose;

import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Tensor;
import org.amct.spi.DenseMatrix;

/**
 * The matrix of docs/design/ALGORITHM.md section 2: the weight {@code [Cout, Cin, kh, kw]}, with
 * the channel axes swapped in FC modes and the kernel axes swapped in SK modes, seen as {@code
 * T[s0, s1, s2, s3]} and unfolded to {@code A[j*s2 + p, i*s3 + q] = T[i, j, p, q]}, an {@code n x
 * m} matrix with {@code n = s1*s2 <= m = s0*s3}.
 *
 * @param mode the decomposition mode
 * @param s0 the first axis of {@code T}
 * @param s1 the second axis of {@code T}
 * @param s2 the third axis of {@code T}
 * @param s3 the fourth axis of {@code T}
 */
public record Unfolding(DecomposeMode mode, int s0, int s1, int s2, int s3) {

    /**
     * The unfolding of a (groups = 1) layer.
     *
     * @param conv the layer
     * @return its unfolding
     */
    public static Unfolding of(Conv2d conv) {
        int cout = conv.outChannels();
        int cin = conv.inChannels();
        int kh = conv.kernelSize().height();
        int kw = conv.kernelSize().width();
        DecomposeMode mode = DecomposeMode.of(cout, cin, kh, kw);
        int c0 = mode.swapsChannels() ? cin : cout;
        int c1 = mode.swapsChannels() ? cout : cin;
        int k0 = mode.swapsKernel() ? kw : kh;
        int k1 = mode.swapsKernel() ? kh : kw;
        return new Unfolding(mode, c0, c1, k0, k1);
    }

    /**
     * The number of rows, {@code s1 * s2}.
     *
     * @return {@code n}
     */
    public int rows() {
        return s1 * s2;
    }

    /**
     * The number of columns, {@code s0 * s3}.
     *
     * @return {@code m}
     */
    public int cols() {
        return s0 * s3;
    }

    /**
     * Builds {@code A} in float64 from the weight, as one array.
     *
     * @param weight the layer's weight, shape {@code [Cout, Cin, kh, kw]}
     * @return the {@code n x m} matrix, owning a new array of {@code n*m} doubles
     */
    public DenseMatrix matrix(Tensor weight) {
        return source(weight).toDenseMatrix();
    }

    /**
     * {@code A} as a source of column blocks computed from the weight on demand: no float64 copy of
     * the whole matrix is made.
     *
     * @param weight the layer's weight, shape {@code [Cout, Cin, kh, kw]}
     * @return the source, with the weight's statistics
     */
    public UnfoldedWeight source(Tensor weight) {
        return UnfoldedWeight.of(this, weight);
    }
}
