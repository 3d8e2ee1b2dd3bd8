package org.amct.api;

import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Padding;

/**
 * A plain, slow float64 forward pass of a Conv2d (zeros padding, any stride, dilation and groups),
 * to check decomposed layers against the originals.
 */
public final class ConvForward {
    private ConvForward() {}

    /** Input {@code [cin][h][w]} to output {@code [cout][oh][ow]}. */
    public static double[][][] apply(Conv2d conv, double[][][] input) {
        int kh = conv.kernelSize().height();
        int kw = conv.kernelSize().width();
        int sh = conv.stride().height();
        int sw = conv.stride().width();
        int dh = conv.dilation().height();
        int dw = conv.dilation().width();
        Padding pad = conv.padding();
        int h = input[0].length;
        int w = input[0][0].length;
        int oh = (h + pad.top() + pad.bottom() - dh * (kh - 1) - 1) / sh + 1;
        int ow = (w + pad.left() + pad.right() - dw * (kw - 1) - 1) / sw + 1;
        int cout = conv.outChannels();
        int groupIn = conv.inChannels() / conv.groups();
        int groupOut = cout / conv.groups();
        double[] weight = conv.weight().toDoubles();
        double[] bias = conv.bias().map(b -> b.toDoubles()).orElse(new double[cout]);
        double[][][] out = new double[cout][oh][ow];
        for (int o = 0; o < cout; o++) {
            int g = o / groupOut;
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    double sum = bias[o];
                    for (int c = 0; c < groupIn; c++) {
                        double[][] plane = input[g * groupIn + c];
                        for (int p = 0; p < kh; p++) {
                            int iy = y * sh - pad.top() + p * dh;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int q = 0; q < kw; q++) {
                                int ix = x * sw - pad.left() + q * dw;
                                if (ix >= 0 && ix < w) {
                                    sum +=
                                            weight[((o * groupIn + c) * kh + p) * kw + q]
                                                    * plane[iy][ix];
                                }
                            }
                        }
                    }
                    out[o][y][x] = sum;
                }
            }
        }
        return out;
    }

    /** A random input of the given size. */
    public static double[][][] randomInput(int channels, int h, int w, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        double[][][] input = new double[channels][h][w];
        for (double[][] plane : input) {
            for (double[] row : plane) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = random.nextDouble(-1, 1);
                }
            }
        }
        return input;
    }

    /**
     * The largest absolute difference, relative to the largest absolute value of {@code expected}.
     */
    public static double relativeMaxDifference(double[][][] expected, double[][][] actual) {
        double maxDiff = 0;
        double maxAbs = 0;
        for (int c = 0; c < expected.length; c++) {
            for (int y = 0; y < expected[c].length; y++) {
                for (int x = 0; x < expected[c][y].length; x++) {
                    maxDiff = Math.max(maxDiff, Math.abs(expected[c][y][x] - actual[c][y][x]));
                    maxAbs = Math.max(maxAbs, Math.abs(expected[c][y][x]));
                }
            }
        }
        if (expected.length != actual.length
                || expected[0].length != actual[0].length
                || expected[0][0].length != actual[0][0].length) {
            throw new AssertionError("output shapes differ");
        }
        return maxDiff / Math.max(maxAbs, Double.MIN_NORMAL);
    }
}
