package org.amct.api.decompose;

import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Padding;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.amct.spi.SvdResult;

/**
 * The two new convs of docs/design/ALGORITHM.md sections 4 and 5, built from the truncated factors
 * {@code P} ({@code n x r}) and {@code C = P^T A} ({@code r x m}). The side that holds {@code P}
 * keeps the channel reduction: the last conv in FC modes, the first in SC modes.
 */
public final class Factors {
    private Factors() {}

    /**
     * The weight of the first conv, shape {@code [r, Cin, kh, 1]} or {@code [r, Cin, 1, kw]}.
     *
     * @param unfolding the layer's unfolding
     * @param svd the truncated factors
     * @param dtype the layer's dtype, to cast (and clamp) to
     * @return the weight
     */
    public static Tensor firstWeight(Unfolding unfolding, SvdResult svd, DType dtype) {
        int r = svd.rank();
        boolean fromP = !unfolding.mode().swapsChannels();
        int inChannels = fromP ? unfolding.s1() : unfolding.s0();
        int extent = fromP ? unfolding.s2() : unfolding.s3();
        Tensor.Writer weight =
                Tensor.writer(dtype, kernelShape(r, inChannels, extent, fromP, unfolding));
        if (fromP) {
            pSide(svd, r, inChannels, extent, true, weight);
        } else {
            // [r, s0, s3] is C's own layout
            double[] core = svd.projection().backingArray();
            for (int i = 0; i < core.length; i++) {
                weight.set(i, core[i]);
            }
        }
        return weight.toTensor();
    }

    /**
     * The weight of the last conv, shape {@code [Cout, r, 1, kw]} or {@code [Cout, r, kh, 1]}.
     *
     * @param unfolding the layer's unfolding
     * @param svd the truncated factors
     * @param dtype the layer's dtype, to cast (and clamp) to
     * @return the weight
     */
    public static Tensor lastWeight(Unfolding unfolding, SvdResult svd, DType dtype) {
        int r = svd.rank();
        boolean fromP = unfolding.mode().swapsChannels();
        int outChannels = fromP ? unfolding.s1() : unfolding.s0();
        int extent = fromP ? unfolding.s2() : unfolding.s3();
        Tensor.Writer weight =
                Tensor.writer(dtype, kernelShape(outChannels, r, extent, fromP, unfolding));
        if (fromP) {
            pSide(svd, r, outChannels, extent, false, weight);
        } else {
            coreAsLast(svd, r, unfolding, weight);
        }
        return weight.toTensor();
    }

    /**
     * P read as {@code [r, ch, extent]} (first) or {@code [ch, r, extent]} (last), written straight
     * into the weight (no float64 copy of the permuted factor).
     */
    private static void pSide(
            SvdResult svd,
            int r,
            int channels,
            int extent,
            boolean rankFirst,
            Tensor.Writer weight) {
        double[] p = svd.leftVectors().backingArray();
        for (int ch = 0; ch < channels; ch++) {
            for (int x = 0; x < extent; x++) {
                int row = (ch * extent + x) * r;
                for (int c = 0; c < r; c++) {
                    int at =
                            rankFirst
                                    ? (c * channels + ch) * extent + x
                                    : (ch * r + c) * extent + x;
                    weight.set(at, p[row + c]);
                }
            }
        }
    }

    /** {@code last[o, c, y] = C[c, o*s3 + y]}. */
    private static void coreAsLast(
            SvdResult svd, int r, Unfolding unfolding, Tensor.Writer weight) {
        double[] core = svd.projection().backingArray();
        int s0 = unfolding.s0();
        int s3 = unfolding.s3();
        int m = s0 * s3;
        for (int o = 0; o < s0; o++) {
            for (int c = 0; c < r; c++) {
                int from = c * m + o * s3;
                int to = (o * r + c) * s3;
                for (int y = 0; y < s3; y++) {
                    weight.set(to + y, core[from + y]);
                }
            }
        }
    }

    /**
     * The 4-D shape of a factor. The P side spans {@code s2} (kh unless kernel axes are swapped),
     * the core side {@code s3} (kw unless swapped).
     */
    private static int[] kernelShape(int outCh, int inCh, int extent, boolean fromP, Unfolding u) {
        boolean alongHeight = fromP != u.mode().swapsKernel();
        return alongHeight
                ? new int[] {outCh, inCh, extent, 1}
                : new int[] {outCh, inCh, 1, extent};
    }

    /**
     * The conv of docs/design/ALGORITHM.md section 5 for a factor weight: a {@code (kh, 1)} kernel
     * keeps the height stride, padding and dilation; a {@code (1, kw)} kernel keeps the width ones.
     *
     * @param original the decomposed layer
     * @param weight the factor's weight
     * @param bias whether to copy the original bias (the last conv only)
     * @return the new conv
     */
    public static Conv2d newConv(Conv2d original, Tensor weight, boolean bias) {
        boolean alongHeight = weight.dim(3) == 1 && weight.dim(2) != 1;
        Size2d stride = original.stride();
        Size2d dilation = original.dilation();
        Size2d newStride =
                alongHeight ? new Size2d(stride.height(), 1) : new Size2d(1, stride.width());
        Size2d newDilation =
                alongHeight ? new Size2d(dilation.height(), 1) : new Size2d(1, dilation.width());
        Padding newPadding =
                alongHeight ? original.padding().heightOnly() : original.padding().widthOnly();
        var builder =
                Conv2d.builder(
                                weight.dim(1),
                                weight.dim(0),
                                new Size2d(weight.dim(2), weight.dim(3)))
                        .stride(newStride)
                        .padding(newPadding)
                        .dilation(newDilation)
                        .paddingMode(original.paddingMode())
                        .weight(weight);
        if (bias && original.bias().isPresent()) {
            builder.bias(original.bias().get());
        } else {
            builder.withBias(false);
        }
        return builder.build();
    }
}
