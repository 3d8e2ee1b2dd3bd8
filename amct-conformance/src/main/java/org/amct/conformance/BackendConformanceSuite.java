package org.amct.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.amct.conformance.ReferenceFixtures.FixtureCase;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.MatrixSource;
import org.amct.spi.SvdResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared conformance tests of the backend contract (docs/design/STYLE.md sections 3 and 9). A
 * backend module has one {@code <Name>BackendConformanceTest extends BackendConformanceSuite} that
 * implements {@link #openBackend()}; the backend is opened once per test class and closed after.
 *
 * <p>Covered: 1x1, wide and square matrices; rejection of {@code n > m} and {@code n == 0};
 * rank-deficient, all-zero, identity and repeated-singular-value matrices; values near {@code
 * 1e-300} and {@code 1e+300}; valid spectra ({@link SvdAssertions#assertValidSpectrum}); {@code
 * truncate} at several ranks on one factorization, repeatably (orthonormal {@code P}, {@code
 * projection = P^T A}, Eckart-Young error); range checks whose messages name the backend;
 * idempotent close; use of a closed backend or factorization; an honest {@code workspaceBytes};
 * concurrent {@code factorize} on backends that declare themselves thread-safe; untouched input;
 * agreement with the {@link ReferenceSvd} oracle; and agreement with the reference tool's singular
 * values on its fixtures. Random matrices come from fixed seeds, which every failure message names.
 *
 * <p>Fixture cases with more than {@link #DEFAULT_FIXTURE_ELEMENT_LIMIT} elements are skipped
 * unless the system property {@value #FULL_PROPERTY} is {@code true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayNameGeneration(ReferenceFixtureSetNames.class)
public abstract class BackendConformanceSuite {
    /** The system property that also runs the large fixture cases. */
    public static final String FULL_PROPERTY = "amct.conformance.full";

    /** The largest fixture matrix ({@code n * m} elements) checked by default. */
    public static final long DEFAULT_FIXTURE_ELEMENT_LIMIT = 600L * 600L;

    private ComputeBackend backend;

    /** For subclasses. */
    protected BackendConformanceSuite() {}

    /**
     * Opens the backend under test; called once per test class, and the suite closes it after.
     *
     * @return a newly opened backend
     */
    protected abstract ComputeBackend openBackend();

    /**
     * The largest fixture matrix, in {@code n * m} elements, that this run checks: {@link
     * #DEFAULT_FIXTURE_ELEMENT_LIMIT}, or unlimited when {@value #FULL_PROPERTY} is {@code true}. A
     * deliberately slow backend (such as the Jacobi oracle) may lower it.
     *
     * @return the limit
     */
    protected long fixtureElementLimit() {
        return Boolean.getBoolean(FULL_PROPERTY) ? Long.MAX_VALUE : DEFAULT_FIXTURE_ELEMENT_LIMIT;
    }

    @BeforeAll
    final void openSharedBackend() {
        backend = openBackend();
    }

    @AfterAll
    final void closeSharedBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /** The backend opened for this test class. */
    private ComputeBackend backend() {
        return backend;
    }

    static Stream<Shape> shapes() {
        return Stream.of(
                new Shape(1, 1, 11),
                new Shape(1, 9, 12),
                new Shape(3, 3, 13),
                new Shape(5, 8, 14),
                new Shape(16, 16, 15),
                new Shape(24, 70, 16),
                new Shape(64, 64, 17),
                new Shape(50, 150, 18),
                new Shape(120, 200, 19));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void spectrumIsFiniteDescendingAndKeepsTheFrobeniusNorm(Shape shape) {
        DenseMatrix a = shape.gaussian();
        try (Factorization factorization = backend().factorize(a)) {
            SvdAssertions.assertValidSpectrum(factorization.singularValues(), a, shape.toString());
        }
    }

    @Test
    void factorizesOneByOneMatrix() {
        DenseMatrix a = DenseMatrix.wrap(1, 1, new double[] {-2.5});
        try (Factorization factorization = backend().factorize(a)) {
            assertArrayEquals(
                    new double[] {2.5}, factorization.singularValues(), 2.5 * 4 * Tolerances.EPS);
            SvdResult result = factorization.truncate(1);
            assertEquals(1.0, Math.abs(result.leftVectors().get(0, 0)), 4 * Tolerances.EPS);
            SvdAssertions.assertProjection(result, a, 1, "1x1");
        }
    }

    @Test
    void singularValuesReturnsAFreshArrayEachCall() {
        Shape shape = new Shape(6, 10, 21);
        try (Factorization factorization = backend().factorize(shape.gaussian())) {
            double[] first = factorization.singularValues();
            double[] copy = first.clone();
            Arrays.fill(first, -1);
            double[] second = factorization.singularValues();
            assertNotSame(first, second, shape + ": singularValues() returned the same array");
            assertArrayEquals(copy, second, shape + ": singularValues() changed");
        }
    }

    @Test
    void rejectsMatrixWithMoreRowsThanColumns() {
        DenseMatrix tall = new Shape(5, 4, 22).gaussian();
        assertThrows(IllegalArgumentException.class, () -> backend().factorize(tall).close());
    }

    @Test
    void rejectsMatrixWithoutRows() {
        DenseMatrix empty = DenseMatrix.wrap(0, 5, new double[0]);
        DenseMatrix nothing = DenseMatrix.wrap(0, 0, new double[0]);
        assertThrows(IllegalArgumentException.class, () -> backend().factorize(empty).close());
        assertThrows(IllegalArgumentException.class, () -> backend().factorize(nothing).close());
    }

    @Test
    void truncateRejectsRankOutOfRange() {
        Shape shape = new Shape(7, 9, 23);
        try (Factorization factorization = backend().factorize(shape.gaussian())) {
            for (int rank : new int[] {0, -1, 8, Integer.MAX_VALUE}) {
                assertThrows(
                        IllegalArgumentException.class,
                        () -> factorization.truncate(rank),
                        shape + ": truncate(" + rank + ") accepted");
            }
        }
    }

    @Test
    void closingAFactorizationTwiceIsHarmless() {
        Factorization factorization = backend().factorize(new Shape(4, 6, 24).gaussian());
        factorization.close();
        factorization.close();
    }

    @Test
    void rejectionsNameTheBackend() {
        String prefix = "Backend '" + backend().id() + "': ";
        DenseMatrix tall = new Shape(5, 4, 25).gaussian();
        IllegalArgumentException shape =
                assertThrows(
                        IllegalArgumentException.class, () -> backend().factorize(tall).close());
        assertTrue(shape.getMessage().startsWith(prefix), shape.getMessage());
        try (Factorization factorization = backend().factorize(new Shape(3, 4, 26).gaussian())) {
            IllegalArgumentException rank =
                    assertThrows(IllegalArgumentException.class, () -> factorization.truncate(4));
            assertTrue(rank.getMessage().startsWith(prefix), rank.getMessage());
        }
        double[] values = new Shape(2, 3, 27).gaussian().toArray();
        values[4] = Double.NaN;
        DenseMatrix withNaN = DenseMatrix.wrap(2, 3, values);
        IllegalArgumentException nan =
                assertThrows(
                        IllegalArgumentException.class, () -> backend().factorize(withNaN).close());
        assertTrue(nan.getMessage().startsWith(prefix), nan.getMessage());
        assertTrue(nan.getMessage().contains("(1, 1)"), nan.getMessage());
    }

    @Test
    void truncateAfterCloseIsRejected() {
        Factorization factorization = backend().factorize(new Shape(4, 6, 28).gaussian());
        factorization.close();
        assertThrows(IllegalStateException.class, () -> factorization.truncate(1));
    }

    @Test
    void useAfterCloseIsRejectedAndClosingTwiceIsHarmless() {
        ComputeBackend own = openBackend();
        DenseMatrix a = new Shape(4, 6, 29).gaussian();
        try (Factorization factorization = own.factorize(a)) {
            SvdAssertions.assertValidSpectrum(factorization.singularValues(), a, "before close");
        }
        own.close();
        own.close();
        assertThrows(IllegalStateException.class, () -> own.factorize(a).close());
    }

    @Test
    void workspaceBytesIsPositiveAndGrowsWithTheMatrix() {
        long small = backend().workspaceBytes(16, 32);
        long large = backend().workspaceBytes(64, 128);
        assertTrue(small > 0, "workspaceBytes(16, 32) = " + small);
        assertTrue(large >= small, "workspaceBytes(64, 128) = " + large + " < " + small);
        // An n x m float64 matrix is 8 n m bytes: no real method needs less than its spectrum.
        assertTrue(backend().workspaceBytes(64, 128) >= 8L * 64, "less than the spectrum");
    }

    /**
     * A backend that says it is thread-safe gives, from several threads at once on one instance,
     * the spectra and factors it gives one call at a time.
     */
    @Test
    void concurrentFactorizeOnAThreadSafeBackendMatchesSerialResults() throws Exception {
        assumeTrue(backend().isThreadSafe(), backend().id() + " does not claim thread-safety");
        List<Shape> work = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            work.add(new Shape(8 + 4 * (i % 4), 40, 100 + i));
        }
        List<double[]> serial = work.stream().map(this::spectrum).toList();
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<double[]>> futures = new java.util.ArrayList<>();
            for (Shape shape : work) {
                futures.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    return spectrum(shape);
                                }));
            }
            start.countDown();
            for (int i = 0; i < work.size(); i++) {
                Shape shape = work.get(i);
                SvdAssertions.assertSpectrumMatches(
                        futures.get(i).get(2, java.util.concurrent.TimeUnit.MINUTES),
                        serial.get(i),
                        shape.rows(),
                        shape.cols(),
                        shape + " concurrently");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Factorizes and truncates at rank 2, checking the factors, and returns the spectrum. */
    private double[] spectrum(Shape shape) {
        DenseMatrix a = shape.gaussian();
        try (Factorization factorization = backend().factorize(a)) {
            double[] s = factorization.singularValues();
            SvdResult result = factorization.truncate(2);
            SvdAssertions.assertOrthonormalColumns(
                    result.leftVectors(), shape.rows(), shape.cols(), shape.toString());
            SvdAssertions.assertProjection(result, a, 2, shape.toString());
            return s;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void truncateAtSeveralRanksGivesOrthonormalVectorsProjectionAndOptimalError(Shape shape) {
        DenseMatrix a = shape.gaussian();
        int n = shape.rows();
        int[] ranks =
                IntStream.of(n, 1, Math.max(1, n / 4), Math.max(1, n / 2)).distinct().toArray();
        try (Factorization factorization = backend().factorize(a)) {
            double[] s = factorization.singularValues();
            for (int rank : ranks) {
                String context = shape + " rank=" + rank;
                SvdResult result = factorization.truncate(rank);
                checkTruncation(result, a, s, rank, context);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void truncateIsRepeatableAndLeavesTheFactorizationAsItWas(Shape shape) {
        DenseMatrix a = shape.gaussian();
        int n = shape.rows();
        int small = Math.max(1, n / 3);
        try (Factorization factorization = backend().factorize(a)) {
            double[] s = factorization.singularValues();
            SvdResult first = factorization.truncate(small);
            SvdResult full = factorization.truncate(n);
            SvdResult again = factorization.truncate(small);
            String context = shape + " truncate(" + small + ") after truncate(" + n + ")";
            checkTruncation(again, a, s, small, context);
            checkTruncation(full, a, s, n, shape + " truncate(" + n + ") between");
            // The same rank on the same kept state: the same factors, up to rounding.
            double scale = Math.max(s[0], Double.MIN_NORMAL);
            assertSameFactors(first.leftVectors(), again.leftVectors(), 1e-12, context + ": P");
            assertSameFactors(
                    first.projection(), again.projection(), 1e-12 * scale, context + ": P^T A");
            assertArrayEquals(s, factorization.singularValues(), 0.0, shape + ": spectrum");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void truncateAndCloseGivesTheFactorsOfTruncateAndClosesTheFactorization(Shape shape) {
        DenseMatrix a = shape.gaussian();
        int rank = Math.max(1, shape.rows() / 2);
        SvdResult kept;
        double[] s;
        try (Factorization factorization = backend().factorize(a)) {
            s = factorization.singularValues();
            kept = factorization.truncate(rank);
        }
        Factorization last = backend().factorize(a);
        SvdResult released = last.truncateAndClose(rank);
        String context = shape + " truncateAndClose(" + rank + ")";
        checkTruncation(released, a, s, rank, context);
        double scale = Math.max(s[0], Double.MIN_NORMAL);
        assertSameFactors(kept.leftVectors(), released.leftVectors(), 1e-12, context + ": P");
        assertSameFactors(
                kept.projection(), released.projection(), 1e-12 * scale, context + ": P^T A");
        assertThrows(IllegalStateException.class, () -> last.truncate(rank), context + " then");
        last.close();
    }

    @Test
    void truncateAndCloseClosesAlsoWhenTheRankIsRejected() {
        Factorization factorization = backend().factorize(new Shape(4, 6, 30).gaussian());
        assertThrows(IllegalArgumentException.class, () -> factorization.truncateAndClose(5));
        assertThrows(IllegalStateException.class, () -> factorization.truncate(1));
    }

    private static void assertSameFactors(
            DenseMatrix x, DenseMatrix y, double tolerance, String what) {
        assertEquals(x.rows(), y.rows(), what + " rows");
        assertEquals(x.cols(), y.cols(), what + " cols");
        double[] a = x.backingArray();
        double[] b = y.backingArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= tolerance)) {
                fail(what + ": element " + i + " is " + b[i] + ", first time " + a[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void aMatrixHandedOutInColumnBlocksMeetsTheSameContract(Shape shape) {
        DenseMatrix a = shape.gaussian();
        MatrixSource blocks = new ColumnBlockSource(a);
        int n = shape.rows();
        try (Factorization factorization = backend().factorize(blocks)) {
            double[] s = factorization.singularValues();
            int rank = Math.max(1, n / 4);
            checkTruncation(factorization.truncate(rank), a, s, rank, shape + " streamed");
        }
    }

    /** A {@link MatrixSource} that is not a {@link DenseMatrix}: the streamed path of the SPI. */
    private static final class ColumnBlockSource implements MatrixSource {
        private final DenseMatrix matrix;

        ColumnBlockSource(DenseMatrix matrix) {
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
            matrix.readColumns(first, count, target);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void doesNotModifyTheInputMatrix(Shape shape) {
        DenseMatrix a = shape.gaussian();
        double[] before = a.toArray();
        try (Factorization factorization = backend().factorize(a)) {
            factorization.singularValues();
            factorization.truncate(Math.max(1, shape.rows() / 2));
        }
        SvdAssertions.assertUnchanged(before, a, shape.toString());
    }

    static Stream<Arguments> rankDeficientShapes() {
        return Stream.of(
                Arguments.of(new Shape(10, 10, 31), 1),
                Arguments.of(new Shape(20, 30, 32), 5),
                Arguments.of(new Shape(64, 100, 33), 16));
    }

    @ParameterizedTest(name = "{0} rank={1}")
    @MethodSource("rankDeficientShapes")
    void handlesRankDeficientMatrix(Shape shape, int rank) {
        DenseMatrix a = TestMatrices.lowRank(shape.rows(), shape.cols(), rank, shape.seed());
        String context = shape + " rank=" + rank;
        ReferenceSvd reference = ReferenceSvd.of(a);
        try (Factorization factorization = backend().factorize(a)) {
            double[] s = factorization.singularValues();
            SvdAssertions.assertValidSpectrum(s, a, context);
            SvdAssertions.assertSpectrumMatches(
                    s, reference.singularValues(), shape.rows(), shape.cols(), context);
            SvdResult result = factorization.truncate(rank);
            checkTruncation(result, a, s, rank, context);
            checkTruncation(factorization.truncate(shape.rows()), a, s, shape.rows(), context);
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("smallShapes")
    void handlesAllZeroMatrix(int rows, int cols) {
        DenseMatrix a = DenseMatrix.wrap(rows, cols, new double[rows * cols]);
        String context = "zeros " + rows + "x" + cols;
        try (Factorization factorization = backend().factorize(a)) {
            double[] s = factorization.singularValues();
            assertArrayEquals(new double[rows], s, context + ": singular values");
            for (int rank : new int[] {1, rows}) {
                SvdResult result = factorization.truncate(rank);
                SvdAssertions.assertOrthonormalColumns(result.leftVectors(), rows, cols, context);
                assertArrayEquals(
                        new double[rank * cols],
                        result.projection().toArray(),
                        context + ": P^T A of a zero matrix");
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("smallShapes")
    void handlesIdentity(int rows, int cols) {
        DenseMatrix a = TestMatrices.identity(rows, cols);
        String context = "identity " + rows + "x" + cols;
        try (Factorization factorization = backend().factorize(a)) {
            double[] s = factorization.singularValues();
            double[] ones = new double[rows];
            Arrays.fill(ones, 1.0);
            SvdAssertions.assertSpectrumMatches(s, ones, rows, cols, context);
            for (int rank : new int[] {rows, 1, Math.max(1, rows / 2)}) {
                checkTruncation(
                        factorization.truncate(rank), a, s, rank, context + " rank=" + rank);
            }
        }
    }

    static Stream<Arguments> smallShapes() {
        return Stream.of(
                Arguments.of(1, 1), Arguments.of(4, 9), Arguments.of(7, 7), Arguments.of(30, 45));
    }

    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {41, 42})
    void handlesRepeatedSingularValues(long seed) {
        double[] exact = {5, 5, 5, 3, 3, 2, 1, 1, 1, 1, 0.5, 0.5, 0, 0, 0};
        int cols = 25;
        DenseMatrix a = TestMatrices.withSingularValues(exact, cols, seed);
        String context = "repeated " + exact.length + "x" + cols + " seed=" + seed;
        try (Factorization factorization = backend().factorize(a)) {
            double[] s = factorization.singularValues();
            SvdAssertions.assertValidSpectrum(s, a, context);
            SvdAssertions.assertSpectrumMatches(s, exact, exact.length, cols, context);
            for (int rank : new int[] {2, 3, 4, 8, 13, exact.length}) {
                checkTruncation(
                        factorization.truncate(rank), a, s, rank, context + " rank=" + rank);
            }
        }
    }

    static Stream<Arguments> extremeScales() {
        return Stream.of(
                Arguments.of(1e-300, 51L),
                Arguments.of(3e-300, 52L),
                Arguments.of(1e+300, 53L),
                Arguments.of(4e+299, 54L));
    }

    @ParameterizedTest(name = "scale={0} seed={1}")
    @MethodSource("extremeScales")
    void scalesCorrectlyNearTheLimitsOfFloat64(double scale, long seed) {
        Shape shape = new Shape(40, 60, seed);
        DenseMatrix unit = shape.gaussian();
        DenseMatrix a = TestMatrices.scaled(unit, scale);
        String context = shape + " scale=" + scale;
        ReferenceSvd reference = ReferenceSvd.of(unit);
        try (Factorization factorization = backend().factorize(a)) {
            double[] s = factorization.singularValues();
            SvdAssertions.assertValidSpectrum(s, a, context);
            double[] unscaled = Arrays.stream(s).map(value -> value / scale).toArray();
            SvdAssertions.assertSpectrumMatches(
                    unscaled, reference.singularValues(), shape.rows(), shape.cols(), context);
            SvdResult result = factorization.truncate(10);
            assertTrue(
                    Arrays.stream(result.projection().backingArray()).allMatch(Double::isFinite),
                    context + ": P^T A has NaN or Inf");
            checkTruncation(result, a, s, 10, context);
            SvdAssertions.assertLeftVectorsMatch(
                    result.leftVectors(), reference, shape.cols(), context);
        }
    }

    static Stream<Shape> oracleShapes() {
        return Stream.of(
                new Shape(2, 3, 61),
                new Shape(12, 12, 62),
                new Shape(30, 80, 63),
                new Shape(90, 120, 64));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oracleShapes")
    void agreesWithReferenceSvdOnGaussianMatrices(Shape shape) {
        DenseMatrix a = shape.gaussian();
        checkAgainstReference(a, shape.toString());
    }

    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {71, 72})
    void agreesWithReferenceSvdOnWellSeparatedSpectrum(long seed) {
        double[] values = IntStream.range(0, 24).mapToDouble(i -> Math.pow(2, -i / 4.0)).toArray();
        DenseMatrix a = TestMatrices.withSingularValues(values, 40, seed);
        int compared = checkAgainstReference(a, "separated 24x40 seed=" + seed);
        assertTrue(
                compared >= 12,
                "separated seed=" + seed + ": only " + compared + " vectors compared");
    }

    static List<FixtureCase> fixtureCases() throws IOException {
        return ReferenceFixtures.decomposedCases(ReferenceFixtures.directory());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureCases")
    void agreesWithReferenceFixture(FixtureCase fixture) throws IOException {
        assumeTrue(
                fixture.elementCount() <= fixtureElementLimit(),
                () ->
                        fixture
                                + " has "
                                + fixture.elementCount()
                                + " elements, over the limit of "
                                + fixtureElementLimit()
                                + "; run with -D"
                                + FULL_PROPERTY
                                + "=true");
        Map<String, FixtureTensor> tensors =
                ReferenceFixtures.readSafetensors(
                        ReferenceFixtures.directory().resolve(fixture.file()));
        FixtureTensor weight = tensors.get("weight");
        int[] shape = weight.shape();
        assertEquals(
                fixture.mode(),
                UnfoldingMode.of(shape[0], shape[1], shape[2], shape[3]),
                fixture + ": mode");
        DenseMatrix a = Unfolding.of(weight);
        String context = fixture + " (" + a.rows() + "x" + a.cols() + ")";
        try (Factorization factorization = backend().factorize(a)) {
            double[] s = factorization.singularValues();
            SvdAssertions.assertValidSpectrum(s, a, context);
            SvdAssertions.assertSpectrumMatches(
                    s, tensors.get("singular_values").toArray(), a.rows(), a.cols(), context);
            SvdResult result = factorization.truncate(fixture.rank());
            double relativeSquared = checkTruncation(result, a, s, fixture.rank(), context);
            double expected = fixture.eckartYoungRelError() * fixture.eckartYoungRelError();
            double tolerance = Tolerances.residualSquares(a.rows(), a.cols(), 1.0);
            assertTrue(
                    Math.abs(relativeSquared - expected) <= tolerance,
                    context
                            + ": relative squared error "
                            + relativeSquared
                            + ", reference "
                            + expected
                            + ", tolerance "
                            + tolerance);
        }
    }

    private int checkAgainstReference(DenseMatrix a, String context) {
        ReferenceSvd reference = ReferenceSvd.of(a);
        try (Factorization factorization = backend().factorize(a)) {
            double[] s = factorization.singularValues();
            SvdAssertions.assertSpectrumMatches(
                    s, reference.singularValues(), a.rows(), a.cols(), context);
            SvdResult result = factorization.truncate(a.rows());
            checkTruncation(result, a, s, a.rows(), context);
            return SvdAssertions.assertLeftVectorsMatch(
                    result.leftVectors(), reference, a.cols(), context);
        }
    }

    private static double checkTruncation(
            SvdResult result, DenseMatrix a, double[] s, int rank, String context) {
        SvdAssertions.assertProjection(result, a, rank, context);
        SvdAssertions.assertOrthonormalColumns(result.leftVectors(), a.rows(), a.cols(), context);
        return SvdAssertions.assertOptimalResidual(result.leftVectors(), a, s, context);
    }

    /** A random test matrix: its shape and seed, which name it in failure messages. */
    record Shape(int rows, int cols, long seed) {
        DenseMatrix gaussian() {
            return TestMatrices.gaussian(rows, cols, seed);
        }

        @Override
        public String toString() {
            return rows + "x" + cols + " seed=" + seed;
        }
    }
}
