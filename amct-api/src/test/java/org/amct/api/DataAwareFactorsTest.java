package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.SplittableRandom;
import org.amct.api.decompose.DecomposeMode;
import org.amct.api.decompose.Unfolding;
import org.amct.api.exception.DecompositionException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Padding;
import org.amct.api.graph.Sequential;
import org.amct.api.graph.Size2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Data-aware factors (docs/design/ALGORITHM.md section 8) in all four modes, on layers small enough
 * to check against direct least-squares solutions: the factors satisfy both normal equations of the
 * weighted problem, their weighted error is the discarded whitened energy and below that of the
 * weight-space factors, full rank is exact, and {@link PatchLayout#extractor} copies exactly the
 * patches the first conv multiplies.
 */
class DataAwareFactorsTest {
    private static final double DAMPING = 1e-3;

    /** 7-wide kernels with a handful of channels are eligible (min(k) * min(C) >= 16, k >= 7). */
    static Conv2d layer(DecomposeMode mode, long seed) {
        boolean fc = mode.swapsChannels();
        boolean sk = mode.swapsKernel();
        int cin = fc ? 6 : 4;
        int cout = fc ? 4 : 6;
        Size2d kernel = sk ? new Size2d(8, 7) : new Size2d(7, 8);
        Conv2d conv =
                Conv2d.builder(cin, cout, kernel)
                        .stride(new Size2d(2, 1))
                        .padding(new Padding(3, 2, 3, 4))
                        .dtype(DType.FLOAT64)
                        .random(new SplittableRandom(seed))
                        .build();
        assertEquals(mode, Unfolding.of(conv).mode());
        return conv;
    }

    /** An anisotropic, correlated second moment: a few strong directions over a weak floor. */
    static double[] moments(int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int samples = 3 * d;
        double[] s = new double[d * d];
        double[] x = new double[d];
        for (int n = 0; n < samples; n++) {
            double common = random.nextGaussian();
            for (int i = 0; i < d; i++) {
                double scale = i % 5 == 0 ? 10.0 : (i % 3 == 0 ? 0.05 : 1.0);
                x[i] = scale * (random.nextGaussian() + (i < d / 2 ? 2 * common : 0));
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    s[i * d + j] += x[i] * x[j] / samples;
                }
            }
        }
        return s;
    }

    private static DecompositionResult decompose(
            Conv2d conv, RankPolicy policy, Optional<double[]> moments) throws java.io.IOException {
        ModelGraph model = ModelGraph.builder("Net").add("conv", conv).build();
        DecompositionOptions.Builder options =
                DecompositionOptions.builder().backend("ejml").rankPolicy(policy);
        moments.ifPresent(
                s ->
                        options.dataAware(
                                new DataAwareFactors(
                                        (name, layer) ->
                                                Optional.of(
                                                        new PatchMoments(
                                                                PatchLayout.size(layer), s, 100)),
                                        DAMPING)));
        return TensorDecompose.autoDecomposition(model, options.build());
    }

    /** The factors P (n x r) and C (r x m) read back from the two new convs. */
    record Pair(Matrix p, Matrix c) {}

    static Pair factors(Conv2d conv, ModelGraph decomposed) {
        Sequential seq = (Sequential) decomposed.find("conv").orElseThrow();
        Conv2d first = (Conv2d) seq.children().get("0");
        Conv2d last = (Conv2d) seq.children().get("1");
        Unfolding u = Unfolding.of(conv);
        int r = first.outChannels();
        double[] fw = first.weight().toDoubles(); // [r, Cin, k] in memory order
        double[] lw = last.weight().toDoubles(); // [Cout, r, k'] in memory order
        Matrix p = new Matrix(u.rows(), r);
        Matrix c = new Matrix(r, u.cols());
        if (!u.mode().swapsChannels()) {
            int k = u.s2();
            for (int ch = 0; ch < u.s1(); ch++) {
                for (int t = 0; t < k; t++) {
                    for (int q = 0; q < r; q++) {
                        p.set(ch * k + t, q, fw[(q * u.s1() + ch) * k + t]);
                    }
                }
            }
            for (int o = 0; o < u.s0(); o++) {
                for (int q = 0; q < r; q++) {
                    for (int y = 0; y < u.s3(); y++) {
                        c.set(q, o * u.s3() + y, lw[(o * r + q) * u.s3() + y]);
                    }
                }
            }
        } else {
            for (int q = 0; q < r; q++) {
                for (int col = 0; col < u.cols(); col++) {
                    c.set(q, col, fw[q * u.cols() + col]);
                }
            }
            int k = u.s2();
            for (int o = 0; o < u.s1(); o++) {
                for (int q = 0; q < r; q++) {
                    for (int t = 0; t < k; t++) {
                        p.set(o * k + t, q, lw[(o * r + q) * k + t]);
                    }
                }
            }
        }
        return new Pair(p, c);
    }

    static Matrix damped(double[] s, int d) {
        Matrix m = new Matrix(d, d, s.clone());
        double trace = 0;
        for (int i = 0; i < d; i++) {
            trace += m.get(i, i);
        }
        for (int i = 0; i < d; i++) {
            m.set(i, i, m.get(i, i) + DAMPING * trace / d);
        }
        return m;
    }

    /** The expected squared output error of replacing A by PC under the patch moment S. */
    static double weightedError(Matrix a, Matrix pc, Matrix s, boolean rowSide) {
        Matrix e = a.minus(pc);
        return rowSide
                ? e.transpose().times(s).times(e).trace()
                : e.times(s).times(e.transpose()).trace();
    }

    @ParameterizedTest
    @EnumSource(DecomposeMode.class)
    void factorsSolveBothNormalEquationsOfTheWeightedProblem(DecomposeMode mode)
            throws java.io.IOException {
        Conv2d conv = layer(mode, 11);
        int d = PatchLayout.size(conv);
        double[] s = moments(d, 5);
        DecompositionResult result = decompose(conv, RankPolicy.AUTO, Optional.of(s));
        Pair f = factors(conv, result.model());
        Unfolding u = Unfolding.of(conv);
        Matrix a = new Matrix(u.rows(), u.cols(), u.matrix(conv.weight()).toArray());
        Matrix sd = damped(s, d);
        boolean rowSide = !mode.swapsChannels();
        Matrix p = f.p();
        Matrix c = f.c();
        assertTrue(p.cols() < u.rows(), "the rule truncates these layers");
        Matrix bestC;
        Matrix bestP;
        if (rowSide) {
            // min over C of tr((A - PC)^T S (A - PC)): (P^T S P) C = P^T S A.
            bestC = p.transpose().times(sd).times(p).solve(p.transpose().times(sd).times(a));
            // min over P: S (A - PC) C^T = 0, so P (C C^T) = A C^T.
            bestP = c.times(c.transpose()).solve(c.times(a.transpose())).transpose();
        } else {
            // min over C of tr((A - PC) S (A - PC)^T): (P^T P) C = P^T A.
            bestC = p.transpose().times(p).solve(p.transpose().times(a));
            // min over P: (A - PC) S C^T = 0, so P (C S C^T) = A S C^T.
            Matrix csc = c.times(sd).times(c.transpose());
            bestP = csc.solve(c.times(sd).times(a.transpose())).transpose();
        }
        assertClose(bestC, c, 1e-7, mode + ": C is the least-squares C for this P");
        assertClose(bestP, p, 1e-7, mode + ": P is the least-squares P for this C");
    }

    @ParameterizedTest
    @EnumSource(DecomposeMode.class)
    void weightedErrorIsLowerThanWithWeightSpaceFactorsAtTheSameRank(DecomposeMode mode)
            throws java.io.IOException {
        Conv2d conv = layer(mode, 12);
        int d = PatchLayout.size(conv);
        double[] s = moments(d, 6);
        Unfolding u = Unfolding.of(conv);
        Matrix a = new Matrix(u.rows(), u.cols(), u.matrix(conv.weight()).toArray());
        Matrix sd = damped(s, d);
        boolean rowSide = !mode.swapsChannels();
        Pair aware = factors(conv, decompose(conv, RankPolicy.AUTO, Optional.of(s)).model());
        Pair plain = factors(conv, decompose(conv, RankPolicy.AUTO, Optional.empty()).model());
        assertEquals(plain.p().cols(), aware.p().cols(), "same rank either way");
        double awareError = weightedError(a, aware.p().times(aware.c()), sd, rowSide);
        double plainError = weightedError(a, plain.p().times(plain.c()), sd, rowSide);
        assertTrue(
                awareError < 0.9 * plainError,
                mode + ": weighted error " + awareError + " vs weight-space " + plainError);
        // Random rank-r perturbations of the optimum never do better.
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 5; trial++) {
            Matrix p = aware.p().perturbed(random, 1e-3);
            Matrix c = aware.c().perturbed(random, 1e-3);
            assertTrue(weightedError(a, p.times(c), sd, rowSide) >= awareError * (1 - 1e-12));
        }
    }

    @ParameterizedTest
    @EnumSource(DecomposeMode.class)
    void fullRankIsExact(DecomposeMode mode) throws java.io.IOException {
        Conv2d conv = layer(mode, 13);
        double[] s = moments(PatchLayout.size(conv), 7);
        DecompositionResult result = decompose(conv, RankPolicy.FULL, Optional.of(s));
        Pair f = factors(conv, result.model());
        Unfolding u = Unfolding.of(conv);
        Matrix a = new Matrix(u.rows(), u.cols(), u.matrix(conv.weight()).toArray());
        assertClose(a, f.p().times(f.c()), 1e-9, mode + ": P C = A at full rank");
        assertTrue(result.layers().get(0).relativeError() < 1e-9);
        Sequential seq = (Sequential) result.model().find("conv").orElseThrow();
        double[][][] input = ConvForward.randomInput(conv.inChannels(), 17, 19, 1);
        double[][][] expected = ConvForward.apply(conv, input);
        double[][][] actual =
                ConvForward.apply(
                        (Conv2d) seq.children().get("1"),
                        ConvForward.apply((Conv2d) seq.children().get("0"), input));
        assertTrue(ConvForward.relativeMaxDifference(expected, actual) < 1e-9);
    }

    @ParameterizedTest
    @EnumSource(DecomposeMode.class)
    void extractorCopiesThePatchesOfTheFirstConv(DecomposeMode mode) {
        Conv2d conv = layer(mode, 14);
        Conv2d extractor = PatchLayout.extractor(conv);
        int d = PatchLayout.size(conv);
        assertEquals(d, extractor.outChannels());
        int cin = conv.inChannels();
        int k = d / cin;
        // The first conv's kernel axis, written out per mode.
        boolean alongHeight = mode == DecomposeMode.SCFK || mode == DecomposeMode.FCSK;
        assertEquals(alongHeight ? conv.kernelSize().height() : conv.kernelSize().width(), k);
        double[][][] input = ConvForward.randomInput(cin, 15, 16, 2);
        double[][][] patches = ConvForward.apply(extractor, input);
        int sh = alongHeight ? conv.stride().height() : 1;
        int sw = alongHeight ? 1 : conv.stride().width();
        int top = alongHeight ? conv.padding().top() : 0;
        int left = alongHeight ? 0 : conv.padding().left();
        for (int y = 0; y < patches[0].length; y++) {
            for (int x = 0; x < patches[0][0].length; x++) {
                for (int c = 0; c < cin; c++) {
                    for (int t = 0; t < k; t++) {
                        int iy = y * sh - top + (alongHeight ? t : 0);
                        int ix = x * sw - left + (alongHeight ? 0 : t);
                        boolean inside = iy >= 0 && iy < 15 && ix >= 0 && ix < 16;
                        double want = inside ? input[c][iy][ix] : 0.0;
                        assertEquals(want, patches[c * k + t][y][x], 1e-7, mode + " patch");
                    }
                }
            }
        }
    }

    @Test
    void outputErrorOnRealPatchesDropsWithTheirMoments() throws java.io.IOException {
        // Input channels of very different scales: the weight-space factors spend their rank on
        // the channels that carry little signal.
        Conv2d conv = layer(DecomposeMode.SCFK, 15);
        Conv2d extractor = PatchLayout.extractor(conv);
        int d = PatchLayout.size(conv);
        double[] s = new double[d * d];
        long count = 0;
        double[][][][] inputs = new double[6][][][];
        for (int n = 0; n < inputs.length; n++) {
            double[][][] x = ConvForward.randomInput(conv.inChannels(), 20, 20, 100 + n);
            for (int c = 0; c < x.length; c++) {
                double scale = c == 0 ? 30.0 : 1.0;
                for (double[] row : x[c]) {
                    for (int i = 0; i < row.length; i++) {
                        row[i] = scale * (row[i] + 0.5 * x[0][0][i] / (c == 0 ? 1 : 30.0));
                    }
                }
            }
            inputs[n] = x;
            double[][][] patches = ConvForward.apply(extractor, x);
            for (int y = 0; y < patches[0].length; y++) {
                for (int w = 0; w < patches[0][0].length; w++) {
                    for (int i = 0; i < d; i++) {
                        for (int j = 0; j < d; j++) {
                            s[i * d + j] += patches[i][y][w] * patches[j][y][w];
                        }
                    }
                    count++;
                }
            }
        }
        for (int i = 0; i < s.length; i++) {
            s[i] /= count;
        }
        double aware = outputError(conv, decompose(conv, RankPolicy.AUTO, Optional.of(s)), inputs);
        double plain =
                outputError(conv, decompose(conv, RankPolicy.AUTO, Optional.empty()), inputs);
        assertTrue(aware < 0.8 * plain, "output error " + aware + " vs weight-space " + plain);
    }

    private static double outputError(
            Conv2d conv, DecompositionResult result, double[][][][] inputs) {
        Sequential seq = (Sequential) result.model().find("conv").orElseThrow();
        double err = 0;
        double total = 0;
        for (double[][][] x : inputs) {
            double[][][] want = ConvForward.apply(conv, x);
            double[][][] got =
                    ConvForward.apply(
                            (Conv2d) seq.children().get("1"),
                            ConvForward.apply((Conv2d) seq.children().get("0"), x));
            for (int o = 0; o < want.length; o++) {
                for (int y = 0; y < want[o].length; y++) {
                    for (int w = 0; w < want[o][y].length; w++) {
                        double diff = want[o][y][w] - got[o][y][w];
                        err += diff * diff;
                        total += want[o][y][w] * want[o][y][w];
                    }
                }
            }
        }
        return Math.sqrt(err / total);
    }

    @Test
    void momentsOfTheWrongSizeNameTheLayerAndBothSizes() {
        Conv2d conv = layer(DecomposeMode.SCFK, 16);
        ModelGraph model = ModelGraph.builder("Net").add("conv", conv).build();
        DecompositionOptions options =
                DecompositionOptions.builder()
                        .backend("ejml")
                        .dataAware(
                                DataAwareFactors.of(
                                        (name, layer) ->
                                                Optional.of(new PatchMoments(3, new double[9], 1))))
                        .build();
        DecompositionException e =
                assertThrows(
                        DecompositionException.class,
                        () -> TensorDecompose.autoDecomposition(model, options));
        assertTrue(e.getMessage().contains("'conv'"), e.getMessage());
        assertTrue(e.getMessage().contains("3 x 3, expected 28 x 28"), e.getMessage());
    }

    @Test
    void allZeroInputsAreAnErrorNotASilentFallback() {
        Conv2d conv = layer(DecomposeMode.FCFK, 17);
        int d = PatchLayout.size(conv);
        ModelGraph model = ModelGraph.builder("Net").add("conv", conv).build();
        DecompositionOptions options =
                DecompositionOptions.builder()
                        .backend("ejml")
                        .dataAware(
                                DataAwareFactors.of(
                                        (name, layer) ->
                                                Optional.of(
                                                        new PatchMoments(d, new double[d * d], 1))))
                        .build();
        DecompositionException e =
                assertThrows(
                        DecompositionException.class,
                        () -> TensorDecompose.autoDecomposition(model, options));
        assertTrue(e.getMessage().contains("all inputs zero"), e.getMessage());
    }

    @Test
    void layersWithoutStatisticsKeepTheReferenceFactors() throws java.io.IOException {
        Conv2d conv = layer(DecomposeMode.SCSK, 18);
        ModelGraph model = ModelGraph.builder("Net").add("conv", conv).build();
        DecompositionResult plain =
                TensorDecompose.autoDecomposition(
                        model, DecompositionOptions.builder().backend("ejml").build());
        DecompositionResult none =
                TensorDecompose.autoDecomposition(
                        model,
                        DecompositionOptions.builder()
                                .backend("ejml")
                                .dataAware(DataAwareFactors.of((name, layer) -> Optional.empty()))
                                .build());
        Pair a = factors(conv, plain.model());
        Pair b = factors(conv, none.model());
        assertArrayEquals(a.p().values(), b.p().values(), 0.0);
        assertArrayEquals(a.c().values(), b.c().values(), 0.0);
    }

    private static void assertClose(Matrix expected, Matrix actual, double tol, String what) {
        assertEquals(expected.rows(), actual.rows(), what);
        assertEquals(expected.cols(), actual.cols(), what);
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < expected.values().length; i++) {
            scale = Math.max(scale, Math.abs(expected.values()[i]));
            diff = Math.max(diff, Math.abs(expected.values()[i] - actual.values()[i]));
        }
        assertTrue(
                diff <= tol * Math.max(scale, 1e-300),
                what + ": max diff " + diff + " of " + scale);
    }

    /** A small dense matrix for the checks, row-major. */
    record Matrix(int rows, int cols, double[] values) {
        Matrix(int rows, int cols) {
            this(rows, cols, new double[rows * cols]);
        }

        double get(int i, int j) {
            return values[i * cols + j];
        }

        void set(int i, int j, double v) {
            values[i * cols + j] = v;
        }

        Matrix times(Matrix o) {
            Matrix out = new Matrix(rows, o.cols);
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < cols; k++) {
                    double v = get(i, k);
                    for (int j = 0; j < o.cols; j++) {
                        out.values[i * o.cols + j] += v * o.get(k, j);
                    }
                }
            }
            return out;
        }

        Matrix transpose() {
            Matrix out = new Matrix(cols, rows);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    out.set(j, i, get(i, j));
                }
            }
            return out;
        }

        Matrix minus(Matrix o) {
            Matrix out = new Matrix(rows, cols);
            for (int i = 0; i < values.length; i++) {
                out.values[i] = values[i] - o.values[i];
            }
            return out;
        }

        double trace() {
            double t = 0;
            for (int i = 0; i < Math.min(rows, cols); i++) {
                t += get(i, i);
            }
            return t;
        }

        Matrix perturbed(SplittableRandom random, double scale) {
            double max = 0;
            for (double v : values) {
                max = Math.max(max, Math.abs(v));
            }
            Matrix out = new Matrix(rows, cols, values.clone());
            for (int i = 0; i < values.length; i++) {
                out.values[i] += scale * max * random.nextGaussian();
            }
            return out;
        }

        /** X with this * X = b, by Gaussian elimination with partial pivoting (square this). */
        Matrix solve(Matrix b) {
            int n = rows;
            double[] a = values.clone();
            double[] x = b.values.clone();
            int m = b.cols;
            for (int col = 0; col < n; col++) {
                int pivot = col;
                for (int i = col + 1; i < n; i++) {
                    if (Math.abs(a[i * n + col]) > Math.abs(a[pivot * n + col])) {
                        pivot = i;
                    }
                }
                swapRows(a, n, col, pivot);
                swapRows(x, m, col, pivot);
                for (int i = col + 1; i < n; i++) {
                    double f = a[i * n + col] / a[col * n + col];
                    for (int j = col; j < n; j++) {
                        a[i * n + j] -= f * a[col * n + j];
                    }
                    for (int j = 0; j < m; j++) {
                        x[i * m + j] -= f * x[col * m + j];
                    }
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                for (int j = 0; j < m; j++) {
                    double sum = x[i * m + j];
                    for (int k = i + 1; k < n; k++) {
                        sum -= a[i * n + k] * x[k * m + j];
                    }
                    x[i * m + j] = sum / a[i * n + i];
                }
            }
            return new Matrix(n, m, x);
        }

        private static void swapRows(double[] a, int width, int i, int j) {
            if (i == j) {
                return;
            }
            for (int k = 0; k < width; k++) {
                double t = a[i * width + k];
                a[i * width + k] = a[j * width + k];
                a[j * width + k] = t;
            }
        }
    }
}
