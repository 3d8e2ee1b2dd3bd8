package org.amct.backend.openblas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenBlasFactorizationTest {
    private static final double EPS = Math.ulp(1.0);

    /** {@code C} in the tolerances below, each {@code C * size * eps * (scale)}. */
    private static final double FACTOR = 16.0;

    private static ComputeBackend backend;

    @BeforeAll
    static void openBackend() {
        backend = new OpenBlasBackendProvider().open(new BackendOptions(1));
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @Test
    void streamsTheMatrixSoItsHeapWorkspaceDoesNotGrowWithTheColumns() {
        assertTrue(backend.streamsMatrix());
        long narrow = backend.workspaceBytes(1536, 1536);
        assertEquals(narrow, backend.workspaceBytes(1536, 15360));
        assertTrue(narrow < 8L * 1536 * 1536, "less than one n x n matrix: " + narrow);
        assertTrue(backend.workspaceBytes(3072, 3072) > narrow);
    }

    @Test
    void twoThreadsGiveTheSameFactorsAsOne() {
        DenseMatrix a = OpenBlasTestMatrices.gaussian(240, 400, 9);
        int rank = 120; // enough vectors for inverse iteration in two parts
        try (ComputeBackend two = new OpenBlasBackendProvider().open(new BackendOptions(2));
                Factorization f1 = backend.factorize(a);
                Factorization f2 = two.factorize(a)) {
            double[] s1 = f1.singularValues();
            double[] s2 = f2.singularValues();
            for (int i = 0; i < s1.length; i++) {
                assertEquals(s1[i], s2[i], FACTOR * 400 * EPS * s1[0], "s_" + i);
            }
            SvdResult r1 = f1.truncate(rank);
            SvdResult r2 = f2.truncate(rank);
            for (int k = 0; k < rank; k++) {
                double dot = 0;
                for (int i = 0; i < 240; i++) {
                    dot += r1.leftVectors().get(i, k) * r2.leftVectors().get(i, k);
                }
                assertEquals(1.0, Math.abs(dot), 1e-8, "left vector " + k);
            }
        }
    }

    @Test
    void singularValuesMatchTheKnownSpectrumInDescendingOrder() {
        double[] spectrum = geometric(40, 1e3, 1e-1);
        var known = OpenBlasTestMatrices.withSingularValues(40, 90, spectrum, 1);
        try (Factorization f = backend.factorize(known.matrix())) {
            assertSpectrum(spectrum, f.singularValues(), 40, 90);
        }
    }

    @Test
    void leftVectorsMatchTheKnownVectorsUpToSign() {
        int rows = 30;
        double[] spectrum = geometric(rows, 8.0, 1.0);
        var known = OpenBlasTestMatrices.withSingularValues(rows, 50, spectrum, 2);
        try (Factorization f = backend.factorize(known.matrix())) {
            SvdResult result = f.truncate(10);
            for (int k = 0; k < 10; k++) {
                double gap = spectrum[k] * spectrum[k] - spectrum[k + 1] * spectrum[k + 1];
                double tolerance = FACTOR * 50 * EPS * spectrum[0] * spectrum[0] / gap;
                double alignment = 0.0;
                for (int i = 0; i < rows; i++) {
                    alignment += result.leftVectors().get(i, k) * known.leftVectors()[i * rows + k];
                }
                assertEquals(1.0, Math.abs(alignment), tolerance, "vector " + k);
            }
        }
    }

    @Test
    void leftVectorsAreOrthonormalAndProjectionIsPTransposeA() {
        DenseMatrix a = OpenBlasTestMatrices.gaussian(96, 160, 3);
        try (Factorization f = backend.factorize(a)) {
            SvdResult result = f.truncate(24);
            assertEquals(96, result.leftVectors().rows());
            assertEquals(24, result.rank());
            assertEquals(160, result.projection().cols());
            assertOrthonormal(result.leftVectors(), 160);
            assertProjection(a, result);
        }
    }

    @Test
    void fullRankTruncationReconstructsTheMatrix() {
        DenseMatrix a = OpenBlasTestMatrices.gaussian(20, 20, 4);
        try (Factorization f = backend.factorize(a)) {
            SvdResult result = f.truncate(20);
            double tolerance = FACTOR * 20 * EPS * frobenius(a);
            for (int i = 0; i < 20; i++) {
                for (int j = 0; j < 20; j++) {
                    double value = 0.0;
                    for (int k = 0; k < 20; k++) {
                        value += result.leftVectors().get(i, k) * result.projection().get(k, j);
                    }
                    assertEquals(a.get(i, j), value, tolerance);
                }
            }
        }
    }

    @Test
    void inputIsNotModified() {
        DenseMatrix a = OpenBlasTestMatrices.gaussian(33, 70, 5);
        double[] before = a.toArray();
        try (Factorization f = backend.factorize(a)) {
            f.truncate(7);
        }
        assertArrayEquals(before, a.backingArray());
    }

    @Test
    void truncatingTwiceGivesTheSameFactors() {
        DenseMatrix a = OpenBlasTestMatrices.gaussian(25, 40, 6);
        try (Factorization f = backend.factorize(a)) {
            SvdResult first = f.truncate(5);
            f.truncate(25);
            SvdResult again = f.truncate(5);
            assertEquals(first.leftVectors(), again.leftVectors());
            assertEquals(first.projection(), again.projection());
        }
    }

    @Test
    void tinyAndHugeMatricesGiveScaledResults() {
        double[] spectrum = geometric(24, 8.0, 1.0);
        var known = OpenBlasTestMatrices.withSingularValues(24, 48, spectrum, 7);
        double gap = spectrum[6] * spectrum[6] - spectrum[7] * spectrum[7];
        double vectorTolerance = FACTOR * 48 * EPS * spectrum[0] * spectrum[0] / gap;
        try (Factorization plain = backend.factorize(known.matrix())) {
            double[] reference = plain.singularValues();
            DenseMatrix referenceVectors = plain.truncate(7).leftVectors();
            for (double factor : new double[] {1e-300, 1e300}) {
                DenseMatrix scaled = OpenBlasTestMatrices.scaled(known.matrix(), factor);
                try (Factorization f = backend.factorize(scaled)) {
                    double[] values = f.singularValues();
                    for (int i = 0; i < values.length; i++) {
                        assertEquals(
                                reference[i],
                                values[i] / factor,
                                FACTOR * 48 * EPS * reference[0],
                                "factor " + factor + ", value " + i);
                    }
                    SvdResult factors = f.truncate(7);
                    assertOrthonormal(factors.leftVectors(), 48);
                    assertSameUpToSign(referenceVectors, factors.leftVectors(), vectorTolerance);
                    assertProjection(scaled, factors);
                }
            }
        }
    }

    @Test
    void zeroMatrixHasZeroSpectrumAndOrthonormalVectors() {
        DenseMatrix zero = DenseMatrix.wrap(8, 12, new double[96]);
        try (Factorization f = backend.factorize(zero)) {
            assertArrayEquals(new double[8], f.singularValues());
            SvdResult result = f.truncate(3);
            assertOrthonormal(result.leftVectors(), 12);
            assertArrayEquals(new double[36], result.projection().backingArray());
        }
    }

    @Test
    void singleRowMatrixHasItsNormAsSingularValue() {
        DenseMatrix row = DenseMatrix.wrap(1, 4, new double[] {3, 0, -4, 0});
        try (Factorization f = backend.factorize(row)) {
            assertArrayEquals(new double[] {5.0}, f.singularValues(), FACTOR * 4 * EPS * 5);
            SvdResult result = f.truncate(1);
            double sign = Math.signum(result.leftVectors().get(0, 0));
            assertEquals(1.0, Math.abs(result.leftVectors().get(0, 0)), FACTOR * 4 * EPS);
            assertArrayEquals(
                    new double[] {3 * sign, 0, -4 * sign, 0},
                    result.projection().backingArray(),
                    FACTOR * 4 * EPS * 5);
        }
    }

    @Test
    void wideMatrixStreamedInSeveralBlocksHasTheKnownSpectrum() {
        int rows = 8;
        int cols = 600_000;
        assertTrue(OpenBlasColumnBlocks.width(rows, cols) < cols, "needs more than one block");
        double[] spectrum = geometric(rows, 50.0, 0.5);
        var known = OpenBlasTestMatrices.withSingularValues(rows, cols, spectrum, 8);
        try (Factorization f = backend.factorize(known.matrix())) {
            assertSpectrum(spectrum, f.singularValues(), rows, cols);
            SvdResult result = f.truncate(3);
            assertOrthonormal(result.leftVectors(), cols);
            assertProjection(known.matrix(), result);
        }
    }

    @Test
    void aStreamedSourceGivesWhatTheDenseMatrixGivesAndIsReadOnlyInBlocks() {
        int rows = 40;
        int cols = 300_000;
        assertTrue(OpenBlasColumnBlocks.width(rows, cols) < cols, "needs more than one block");
        DenseMatrix dense = OpenBlasTestMatrices.gaussian(rows, cols, 21);
        BlockCountingSource source = new BlockCountingSource(dense);
        try (Factorization fromDense = backend.factorize(dense);
                Factorization streamed = backend.factorize(source)) {
            assertArrayEquals(fromDense.singularValues(), streamed.singularValues());
            SvdResult expected = fromDense.truncate(5);
            SvdResult actual = streamed.truncate(5);
            assertArrayEquals(
                    expected.leftVectors().backingArray(), actual.leftVectors().backingArray());
            assertArrayEquals(
                    expected.projection().backingArray(), actual.projection().backingArray());
        }
        assertTrue(source.widest < cols, "read in blocks, widest " + source.widest);
        assertEquals(0, source.wholeCopies, "never materialized");
    }

    @Test
    void aStreamedSourceWithANonFiniteElementIsRejectedNamingIt() {
        double[] data = new double[3 * 70];
        data[2 * 70 + 65] = Double.NaN;
        data[2 * 70 + 66] = Double.POSITIVE_INFINITY;
        var source = new BlockCountingSource(DenseMatrix.wrap(3, 70, data));
        var e = assertThrows(IllegalArgumentException.class, () -> backend.factorize(source));
        assertTrue(e.getMessage().contains("(2, 65)"), e.getMessage());
    }

    /** A source that is not a {@link DenseMatrix}, so that the backend must stream it. */
    private static final class BlockCountingSource implements org.amct.spi.MatrixSource {
        private final DenseMatrix matrix;
        private int widest;
        private int wholeCopies;

        BlockCountingSource(DenseMatrix matrix) {
            this.matrix = matrix;
        }

        @Override
        public int rows() {
            return matrix.rows();
        }

        @Override
        public int cols() {
            return matrix.cols();
        }

        @Override
        public void readColumns(int first, int count, double[] target) {
            widest = Math.max(widest, count);
            matrix.readColumns(first, count, target);
        }

        @Override
        public DenseMatrix toDenseMatrix() {
            wholeCopies++;
            return matrix;
        }
    }

    @Test
    void rejectsMoreRowsThanColumns() {
        DenseMatrix tall = OpenBlasTestMatrices.gaussian(5, 4, 9);
        assertThrows(IllegalArgumentException.class, () -> backend.factorize(tall));
    }

    @Test
    void rejectsEmptyMatrix() {
        DenseMatrix empty = DenseMatrix.wrap(0, 4, new double[0]);
        assertThrows(IllegalArgumentException.class, () -> backend.factorize(empty));
    }

    @Test
    void rejectsNonFiniteElementsNamingTheirPosition() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            double[] data = new double[12];
            data[7] = bad;
            DenseMatrix a = DenseMatrix.wrap(3, 4, data);
            var e = assertThrows(IllegalArgumentException.class, () -> backend.factorize(a));
            assertTrue(e.getMessage().contains("(1, 3)"), e.getMessage());
        }
    }

    @Test
    void rejectsRankOutOfRange() {
        try (Factorization f = backend.factorize(OpenBlasTestMatrices.gaussian(4, 6, 10))) {
            assertThrows(IllegalArgumentException.class, () -> f.truncate(0));
            assertThrows(IllegalArgumentException.class, () -> f.truncate(5));
        }
    }

    @Test
    void closedFactorizationRefusesToTruncateAndClosesTwiceHarmlessly() {
        Factorization f = backend.factorize(OpenBlasTestMatrices.gaussian(4, 6, 11));
        f.close();
        f.close();
        assertThrows(IllegalStateException.class, () -> f.truncate(1));
        assertEquals(4, f.singularValues().length);
    }

    private static double[] geometric(int count, double largest, double smallest) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = largest * Math.pow(smallest / largest, i / (double) (count - 1));
        }
        return values;
    }

    private static void assertSpectrum(double[] expected, double[] actual, int rows, int cols) {
        assertEquals(expected.length, actual.length);
        double tolerance = FACTOR * Math.max(rows, cols) * EPS * expected[0] * expected[0];
        for (int i = 0; i < expected.length; i++) {
            if (i > 0) {
                assertTrue(actual[i] <= actual[i - 1], "descending at " + i);
            }
            assertEquals(expected[i] * expected[i], actual[i] * actual[i], tolerance, "s" + i);
        }
    }

    private static void assertOrthonormal(DenseMatrix p, int cols) {
        double tolerance = FACTOR * Math.max(p.rows(), cols) * EPS;
        for (int k = 0; k < p.cols(); k++) {
            for (int l = 0; l <= k; l++) {
                double dot = 0.0;
                for (int i = 0; i < p.rows(); i++) {
                    dot += p.get(i, k) * p.get(i, l);
                }
                assertEquals(k == l ? 1.0 : 0.0, dot, tolerance, "P^T P at " + k + ", " + l);
            }
        }
    }

    private static void assertProjection(DenseMatrix a, SvdResult result) {
        DenseMatrix p = result.leftVectors();
        double norm = frobenius(a);
        double squaredError = 0.0;
        for (int k = 0; k < result.rank(); k++) {
            for (int j = 0; j < a.cols(); j++) {
                double expected = 0.0;
                for (int i = 0; i < a.rows(); i++) {
                    expected += p.get(i, k) * a.get(i, j);
                }
                double difference = (result.projection().get(k, j) - expected) / norm;
                squaredError += difference * difference;
            }
        }
        double tolerance = FACTOR * Math.max(a.rows(), a.cols()) * EPS;
        assertTrue(Math.sqrt(squaredError) <= tolerance, "relative error " + squaredError);
    }

    private static void assertSameUpToSign(
            DenseMatrix expected, DenseMatrix actual, double tolerance) {
        for (int k = 0; k < expected.cols(); k++) {
            double sign = Math.signum(expected.get(0, k) * actual.get(0, k));
            for (int i = 0; i < expected.rows(); i++) {
                assertEquals(expected.get(i, k), sign * actual.get(i, k), tolerance);
            }
        }
    }

    private static double frobenius(DenseMatrix a) {
        double max = 0.0;
        for (double value : a.backingArray()) {
            max = Math.max(max, Math.abs(value));
        }
        if (max == 0.0) {
            return 1.0;
        }
        double sum = 0.0;
        for (double value : a.backingArray()) {
            sum += (value / max) * (value / max);
        }
        return Math.sqrt(sum) * max;
    }
}
