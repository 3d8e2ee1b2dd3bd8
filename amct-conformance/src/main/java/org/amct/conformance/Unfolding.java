package org.amct.conformance;

import java.util.Arrays;
import java.util.Objects;
import org.amct.spi.DenseMatrix;

/**
 * The matrix that is factorized, built from a Conv2d weight exactly as docs/design/ALGORITHM.md
 * section 2 says: {@code T = W} as float64 ({@code [Cout, Cin, kh, kw]}); FC modes swap the channel
 * axes, SK modes swap the kernel axes, giving {@code [s0, s1, s2, s3]}; then {@code A[j*s2 + p,
 * i*s3 + q] = T[i, j, p, q]}, an {@code n x m} matrix with {@code n = s1*s2} and {@code m = s0*s3}.
 * Thread-safe.
 */
public final class Unfolding {
    private Unfolding() {}

    /**
     * Unfolds a weight in the mode its shape implies ({@link UnfoldingMode#of}).
     *
     * @param weight a tensor of shape {@code [Cout, Cin, kh, kw]} ({@code groups = 1})
     * @return the {@code n x m} matrix {@code A}
     * @throws IllegalArgumentException if the tensor is not four-dimensional
     */
    public static DenseMatrix of(FixtureTensor weight) {
        int[] shape = fourDimensions(weight);
        return of(weight, UnfoldingMode.of(shape[0], shape[1], shape[2], shape[3]));
    }

    /**
     * Unfolds a weight in a given mode.
     *
     * @param weight a tensor of shape {@code [Cout, Cin, kh, kw]} ({@code groups = 1})
     * @param mode the mode
     * @return the {@code n x m} matrix {@code A}
     * @throws IllegalArgumentException if the tensor is not four-dimensional
     */
    public static DenseMatrix of(FixtureTensor weight, UnfoldingMode mode) {
        Objects.requireNonNull(mode, "mode");
        int[] shape = fourDimensions(weight);
        return of(weight.toArray(), shape[0], shape[1], shape[2], shape[3], mode);
    }

    /**
     * Unfolds a weight given as a row-major array.
     *
     * @param weight {@code Cout * Cin * kh * kw} elements in {@code [Cout, Cin, kh, kw]} order; not
     *     modified
     * @param outChannels {@code Cout}
     * @param inChannels {@code Cin}
     * @param kernelH {@code kh}
     * @param kernelW {@code kw}
     * @param mode the mode
     * @return the {@code n x m} matrix {@code A}
     * @throws IllegalArgumentException if the array length does not match the shape
     */
    public static DenseMatrix of(
            double[] weight,
            int outChannels,
            int inChannels,
            int kernelH,
            int kernelW,
            UnfoldingMode mode) {
        if (weight.length != outChannels * inChannels * kernelH * kernelW) {
            throw new IllegalArgumentException(
                    "weight has "
                            + weight.length
                            + " elements, shape needs "
                            + outChannels * inChannels * kernelH * kernelW);
        }
        int s0 = mode.swapsChannels() ? inChannels : outChannels;
        int s1 = mode.swapsChannels() ? outChannels : inChannels;
        int s2 = mode.swapsKernels() ? kernelW : kernelH;
        int s3 = mode.swapsKernels() ? kernelH : kernelW;
        int cols = s0 * s3;
        double[] out = new double[s1 * s2 * cols];
        for (int o = 0; o < outChannels; o++) {
            for (int c = 0; c < inChannels; c++) {
                for (int h = 0; h < kernelH; h++) {
                    for (int w = 0; w < kernelW; w++) {
                        int i = mode.swapsChannels() ? c : o;
                        int j = mode.swapsChannels() ? o : c;
                        int p = mode.swapsKernels() ? w : h;
                        int q = mode.swapsKernels() ? h : w;
                        out[(j * s2 + p) * cols + i * s3 + q] =
                                weight[((o * inChannels + c) * kernelH + h) * kernelW + w];
                    }
                }
            }
        }
        return DenseMatrix.wrap(s1 * s2, cols, out);
    }

    private static int[] fourDimensions(FixtureTensor weight) {
        Objects.requireNonNull(weight, "weight");
        int[] shape = weight.shape();
        if (shape.length != 4) {
            throw new IllegalArgumentException(
                    "A Conv2d weight has 4 dimensions [Cout, Cin, kh, kw], got "
                            + Arrays.toString(shape));
        }
        return shape;
    }
}
