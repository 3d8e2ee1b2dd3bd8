package org.amct.api.decompose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.amct.spi.DenseMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The streamed unfolding gives, block by block, exactly the matrix of docs/design/ALGORITHM.md
 * section 2: {@code A[j*s2 + p, i*s3 + q] = T[i, j, p, q]}, in every mode and for every block
 * split.
 */
class UnfoldedWeightTest {

    @ParameterizedTest(name = "[{0},{1},{2},{3}] {4}")
    @CsvSource({
        "6, 4, 3, 3, FLOAT32", // Cout > Cin: channels swapped
        "4, 6, 3, 3, FLOAT32",
        "4, 6, 3, 1, FLOAT32", // kh > kw: kernel swapped
        "6, 4, 1, 5, FLOAT32",
        "6, 4, 5, 2, FLOAT64",
        "5, 5, 2, 3, FLOAT16",
        "3, 7, 4, 2, BFLOAT16"
    })
    void everyBlockMatchesTheDefinition(int cout, int cin, int kh, int kw, DType dtype) {
        Tensor weight = randomWeight(dtype, new int[] {cout, cin, kh, kw}, 31);
        Unfolding unfolding = Unfolding.of(conv(weight));
        double[] expected = byDefinition(unfolding, weight);
        UnfoldedWeight source = unfolding.source(weight);
        int n = unfolding.rows();
        int m = unfolding.cols();
        assertArrayEquals(expected, unfolding.matrix(weight).backingArray());
        for (int width = 1; width <= m; width++) {
            double[] block = new double[n * width];
            for (int first = 0; first < m; first += width) {
                int count = Math.min(width, m - first);
                source.readColumns(first, count, block);
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < count; k++) {
                        assertEquals(
                                expected[i * m + first + k],
                                block[i * count + k],
                                "element (" + i + ", " + (first + k) + "), width " + width);
                    }
                }
            }
        }
        double max = 0;
        double sum = 0;
        for (double v : expected) {
            max = Math.max(max, Math.abs(v));
            sum += v * v;
        }
        assertEquals(max, source.maxAbs());
        assertEquals(DenseMatrix.wrap(n, m, expected).maxAbs(), source.maxAbs());
        assertEquals(sum, source.sumOfSquares(), 1e-12 * sum);
        assertEquals(-1, source.firstNonFiniteIndex());
    }

    /**
     * Layers wide enough that a block is gathered from several tiles of the weight, read into
     * arrays and into direct (native-like) buffers, for block widths that cut kernels apart.
     */
    @ParameterizedTest(name = "[{0},{1},{2},{3}]")
    @CsvSource({
        "25, 700, 3, 3", // not swapped: a run of 6300 doubles per output channel, 3 tiles
        "700, 25, 3, 3", // channels swapped
        "25, 700, 3, 1",
        "25, 400, 2, 5"
    })
    void wideLayersReadIntoArraysAndBuffersAsDefined(int cout, int cin, int kh, int kw) {
        Tensor weight = randomWeight(DType.FLOAT32, new int[] {cout, cin, kh, kw}, 17);
        Unfolding unfolding = Unfolding.of(conv(weight));
        double[] expected = byDefinition(unfolding, weight);
        UnfoldedWeight source = unfolding.source(weight);
        int n = unfolding.rows();
        int m = unfolding.cols();
        for (int width : new int[] {1, 2, 5, 64, 1000, m}) {
            double[] block = new double[n * width];
            java.nio.DoubleBuffer buffer =
                    java.nio.ByteBuffer.allocateDirect(8 * n * width)
                            .order(java.nio.ByteOrder.nativeOrder())
                            .asDoubleBuffer();
            for (int first = 0; first < m; first += width) {
                int count = Math.min(width, m - first);
                source.readColumns(first, count, block);
                source.readColumns(first, count, buffer);
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < count; k++) {
                        double want = expected[i * m + first + k];
                        String where = "element (" + i + ", " + (first + k) + "), width " + width;
                        assertEquals(want, block[i * count + k], where);
                        assertEquals(want, buffer.get(i * count + k), where);
                    }
                }
            }
        }
    }

    @Test
    void nonFiniteElementsAreFoundInOnePass() {
        float[] values = new float[4 * 4 * 3 * 3];
        values[7] = 2f;
        values[20] = Float.POSITIVE_INFINITY;
        values[30] = Float.NaN;
        Tensor weight = Tensor.ofFloats(new int[] {4, 4, 3, 3}, values);
        UnfoldedWeight source = Unfolding.of(conv(weight)).source(weight);
        assertEquals(20, source.firstNonFiniteIndex());
        assertEquals(Double.NaN, source.maxAbs());
        assertEquals(4.0, source.sumOfSquares());
    }

    @Test
    void outOfRangeColumnsAreRejected() {
        Tensor weight = randomWeight(DType.FLOAT32, new int[] {4, 4, 3, 3}, 1);
        UnfoldedWeight source = Unfolding.of(conv(weight)).source(weight);
        double[] block = new double[12 * 12];
        assertThrows(IndexOutOfBoundsException.class, () -> source.readColumns(10, 3, block));
        assertThrows(
                IndexOutOfBoundsException.class, () -> source.readColumns(0, 12, new double[10]));
    }

    /** The definition, one element at a time through {@link Tensor#getDouble}. */
    private static double[] byDefinition(Unfolding u, Tensor weight) {
        int m = u.cols();
        double[] a = new double[u.rows() * m];
        int cin = weight.dim(1);
        int kh = weight.dim(2);
        int kw = weight.dim(3);
        for (int i = 0; i < u.s0(); i++) {
            for (int j = 0; j < u.s1(); j++) {
                for (int p = 0; p < u.s2(); p++) {
                    for (int q = 0; q < u.s3(); q++) {
                        int o = u.mode().swapsChannels() ? j : i;
                        int c = u.mode().swapsChannels() ? i : j;
                        int h = u.mode().swapsKernel() ? q : p;
                        int w = u.mode().swapsKernel() ? p : q;
                        long flat = ((((long) o * cin + c) * kh + h) * kw) + w;
                        a[(j * u.s2() + p) * m + i * u.s3() + q] = weight.getDouble(flat);
                    }
                }
            }
        }
        return a;
    }

    private static Tensor randomWeight(DType dtype, int[] shape, long seed) {
        Random random = new Random(seed);
        double[] values = new double[Math.toIntExact(Tensor.elementCount(shape))];
        for (int k = 0; k < values.length; k++) {
            values[k] = random.nextGaussian();
        }
        return Tensor.fromDoubles(dtype, shape, values);
    }

    private static Conv2d conv(Tensor weight) {
        return Conv2d.builder(
                        weight.dim(1), weight.dim(0), new Size2d(weight.dim(2), weight.dim(3)))
                .withBias(false)
                .weight(weight)
                .dtype(weight.dtype())
                .build();
    }
}
