package org.amct.conformance;

import java.util.Arrays;
import java.util.Objects;
import org.amct.spi.DenseMatrix;
import org.amct.spi.SvdResult;

/**
 * The checks of the backend contract, as assertions that throw {@link AssertionError} with the
 * given context (shape, seed, case name) in the message. They scale matrices by their largest
 * element before summing squares, so they work for values near {@code 1e-300} and {@code 1e+300}.
 * Tolerances come from {@link Tolerances}. Thread-safe.
 */
public final class SvdAssertions {
    private SvdAssertions() {}

    /**
     * Checks that {@code s} holds all {@code n} singular values of {@code a}: finite, non-negative,
     * descending, and {@code sum(s^2) = ||A||_F^2} within {@link Tolerances#frobeniusSquares}.
     *
     * @param singularValues the backend's singular values
     * @param a the factorized matrix
     * @param context what to put in a failure message
     * @throws AssertionError if a check fails
     */
    public static void assertValidSpectrum(double[] singularValues, DenseMatrix a, String context) {
        int n = a.rows();
        check(
                singularValues.length == n,
                context,
                "expected " + n + " singular values, got " + singularValues.length);
        for (int i = 0; i < n; i++) {
            double value = singularValues[i];
            check(
                    Double.isFinite(value) && value >= 0,
                    context,
                    "singular value " + i + " is " + value + "; expected finite and >= 0");
        }
        assertDescending(singularValues, context);
        double scale = Matrices.maxAbs(a.backingArray());
        if (scale == 0) {
            check(
                    Matrices.maxAbs(singularValues) == 0,
                    context,
                    "the zero matrix has singular values " + Arrays.toString(singularValues));
            return;
        }
        double frobeniusSquared =
                Matrices.sumOfSquares(Matrices.scaled(a, 1 / scale).backingArray());
        double sum = 0;
        for (double value : singularValues) {
            sum += (value / scale) * (value / scale);
        }
        double tolerance = Tolerances.frobeniusSquares(n, a.cols(), frobeniusSquared);
        check(
                Math.abs(sum - frobeniusSquared) <= tolerance,
                context,
                "sum(s^2) = "
                        + sum
                        + " but ||A||_F^2 = "
                        + frobeniusSquared
                        + " (both divided by "
                        + scale
                        + "^2); difference "
                        + Math.abs(sum - frobeniusSquared)
                        + " > tolerance "
                        + tolerance);
    }

    /**
     * Checks that values are in non-increasing order.
     *
     * @param values the values
     * @param context what to put in a failure message
     * @throws AssertionError if some {@code values[i] < values[i + 1]}
     */
    public static void assertDescending(double[] values, String context) {
        for (int i = 0; i + 1 < values.length; i++) {
            int at = i;
            check(
                    values[i] >= values[i + 1],
                    context,
                    "singular values not descending at index "
                            + at
                            + ": "
                            + values[at]
                            + " < "
                            + values[at + 1]);
        }
    }

    /**
     * Compares singular values with reference values on their squares: {@code |s_i^2 - ref_i^2| <=
     * }{@link Tolerances#singularValueSquares}{@code (rows, cols, ref_0)} for every {@code i}.
     *
     * @param actual the backend's singular values
     * @param expected the reference values, descending
     * @param rows {@code n} of the factorized matrix
     * @param cols {@code m} of the factorized matrix
     * @param context what to put in a failure message
     * @throws AssertionError if the lengths differ or a value is off
     */
    public static void assertSpectrumMatches(
            double[] actual, double[] expected, int rows, int cols, String context) {
        check(
                actual.length == expected.length,
                context,
                "expected " + expected.length + " singular values, got " + actual.length);
        double scale = Matrices.maxAbs(expected);
        if (scale == 0) {
            check(
                    Matrices.maxAbs(actual) == 0,
                    context,
                    "expected all singular values 0, got " + Arrays.toString(actual));
            return;
        }
        double tolerance = Tolerances.singularValueSquares(rows, cols, 1.0);
        for (int i = 0; i < actual.length; i++) {
            double got = (actual[i] / scale) * (actual[i] / scale);
            double want = (expected[i] / scale) * (expected[i] / scale);
            int at = i;
            check(
                    Math.abs(got - want) <= tolerance,
                    context,
                    "singular value "
                            + at
                            + " is "
                            + actual[at]
                            + ", reference "
                            + expected[at]
                            + "; |s^2 - ref^2| / s_max^2 = "
                            + Math.abs(got - want)
                            + " > tolerance "
                            + tolerance);
        }
    }

    /**
     * Checks that {@code P^T P = I} within {@link Tolerances#orthonormality}.
     *
     * @param leftVectors {@code P}, {@code n x r}
     * @param rows {@code n} of the factorized matrix
     * @param cols {@code m} of the factorized matrix
     * @param context what to put in a failure message
     * @throws AssertionError if an element of {@code P} is not finite or {@code P^T P} is off
     */
    public static void assertOrthonormalColumns(
            DenseMatrix leftVectors, int rows, int cols, String context) {
        double[] data = leftVectors.backingArray();
        check(Arrays.stream(data).allMatch(Double::isFinite), context, "P has NaN or Inf");
        DenseMatrix gram = Matrices.transposeTimes(leftVectors, leftVectors);
        double tolerance = Tolerances.orthonormality(rows, cols);
        int rank = leftVectors.cols();
        for (int i = 0; i < rank; i++) {
            for (int j = 0; j < rank; j++) {
                double error = Math.abs(gram.get(i, j) - (i == j ? 1 : 0));
                int row = i;
                int col = j;
                check(
                        error <= tolerance,
                        context,
                        "(P^T P - I)["
                                + row
                                + ", "
                                + col
                                + "] = "
                                + error
                                + " > tolerance "
                                + tolerance);
            }
        }
    }

    /**
     * Checks the shapes of a truncated result and that its projection equals {@code P^T A} within
     * {@link Tolerances#projection}.
     *
     * @param result the backend's {@code P} and {@code P^T A}
     * @param a the factorized matrix
     * @param rank the requested rank
     * @param context what to put in a failure message
     * @throws AssertionError if a shape is wrong or the projection is off
     */
    public static void assertProjection(SvdResult result, DenseMatrix a, int rank, String context) {
        Objects.requireNonNull(result, "result");
        DenseMatrix p = result.leftVectors();
        DenseMatrix projection = result.projection();
        check(
                p.rows() == a.rows() && p.cols() == rank,
                context,
                "P is " + p.rows() + " x " + p.cols() + ", expected " + a.rows() + " x " + rank);
        check(
                projection.rows() == rank && projection.cols() == a.cols(),
                context,
                "P^T A is "
                        + projection.rows()
                        + " x "
                        + projection.cols()
                        + ", expected "
                        + rank
                        + " x "
                        + a.cols());
        double scale = Matrices.maxAbs(a.backingArray());
        double factor = scale == 0 ? 1 : 1 / scale;
        DenseMatrix scaledA = Matrices.scaled(a, factor);
        DenseMatrix expected = Matrices.transposeTimes(p, scaledA);
        double[] got = Matrices.scaled(projection, factor).backingArray();
        double error = Math.sqrt(Matrices.distanceSquared(got, expected.backingArray()));
        double frobenius = Math.sqrt(Matrices.sumOfSquares(scaledA.backingArray()));
        double tolerance = Tolerances.projection(a.rows(), a.cols(), frobenius);
        check(
                error <= tolerance,
                context,
                "||projection - P^T A||_F = "
                        + error
                        + " > tolerance "
                        + tolerance
                        + " (both divided by "
                        + scale
                        + ")");
    }

    /**
     * Checks Eckart-Young: {@code ||A - P P^T A||_F^2 = sum(s[r:]^2)} within {@link
     * Tolerances#residualSquares}, where {@code r} is the number of columns of {@code P}.
     *
     * @param leftVectors {@code P}, {@code n x r}
     * @param a the factorized matrix
     * @param singularValues all singular values of {@code a}, descending
     * @param context what to put in a failure message
     * @throws AssertionError if the residual is off
     * @return {@code ||A - P P^T A||_F^2 / ||A||_F^2}, or 0 for a zero matrix
     */
    public static double assertOptimalResidual(
            DenseMatrix leftVectors, DenseMatrix a, double[] singularValues, String context) {
        double scale = Matrices.maxAbs(a.backingArray());
        if (scale == 0) {
            return 0;
        }
        DenseMatrix scaledA = Matrices.scaled(a, 1 / scale);
        DenseMatrix approximation =
                Matrices.times(leftVectors, Matrices.transposeTimes(leftVectors, scaledA));
        double residual =
                Matrices.distanceSquared(scaledA.backingArray(), approximation.backingArray());
        double tail = 0;
        for (int i = leftVectors.cols(); i < singularValues.length; i++) {
            tail += (singularValues[i] / scale) * (singularValues[i] / scale);
        }
        double frobeniusSquared = Matrices.sumOfSquares(scaledA.backingArray());
        double tolerance = Tolerances.residualSquares(a.rows(), a.cols(), frobeniusSquared);
        double observed = residual;
        double expected = tail;
        check(
                Math.abs(observed - expected) <= tolerance,
                context,
                "rank "
                        + leftVectors.cols()
                        + ": ||A - P P^T A||_F^2 = "
                        + observed
                        + " but sum(s[r:]^2) = "
                        + expected
                        + " (divided by "
                        + scale
                        + "^2); difference > tolerance "
                        + tolerance);
        return residual / frobeniusSquared;
    }

    /**
     * Compares left singular vectors with the reference's, up to the sign of each column, for the
     * columns whose singular value is separated from its neighbours ({@link
     * Tolerances#isSeparated}).
     *
     * @param leftVectors the backend's {@code P}, {@code n x r}
     * @param reference the oracle's SVD of the same matrix
     * @param cols {@code m} of the factorized matrix
     * @param context what to put in a failure message
     * @return the number of columns compared
     * @throws AssertionError if a compared column is off
     */
    public static int assertLeftVectorsMatch(
            DenseMatrix leftVectors, ReferenceSvd reference, int cols, String context) {
        double[] values = reference.singularValues();
        double scale = values[0];
        int compared = 0;
        for (int c = 0; c < leftVectors.cols(); c++) {
            double gap = relativeGapSquared(values, c, scale);
            if (scale == 0 || !Tolerances.isSeparated(gap, 1.0)) {
                continue;
            }
            double[] got = Matrices.column(leftVectors, c);
            double[] want = Matrices.column(reference.leftVectors(), c);
            double dot = 0;
            for (int i = 0; i < got.length; i++) {
                dot += got[i] * want[i];
            }
            double sign = dot < 0 ? -1 : 1;
            double distance = 0;
            for (int i = 0; i < got.length; i++) {
                distance += (got[i] - sign * want[i]) * (got[i] - sign * want[i]);
            }
            distance = Math.sqrt(distance);
            double tolerance = Tolerances.vector(values.length, cols, 1.0, gap);
            int at = c;
            check(
                    distance <= tolerance,
                    context,
                    "left vector "
                            + at
                            + " differs from the reference by "
                            + distance
                            + " (up to sign) > tolerance "
                            + tolerance);
            compared++;
        }
        return compared;
    }

    /**
     * Checks that the matrix still holds exactly the elements it held before.
     *
     * @param before a copy of the elements taken before the call
     * @param a the matrix handed to the backend
     * @param context what to put in a failure message
     * @throws AssertionError if any element differs (compared as by {@link Double#compare})
     */
    public static void assertUnchanged(double[] before, DenseMatrix a, String context) {
        check(
                Arrays.equals(before, a.backingArray()),
                context,
                "the backend modified its input matrix");
    }

    /** The distance from {@code s_i^2} to its neighbours' squares, divided by {@code s_max^2}. */
    private static double relativeGapSquared(double[] values, int index, double scale) {
        double own = (values[index] / scale) * (values[index] / scale);
        double gap = Double.POSITIVE_INFINITY;
        if (index > 0) {
            double previous = values[index - 1] / scale;
            gap = Math.min(gap, previous * previous - own);
        }
        if (index + 1 < values.length) {
            double next = values[index + 1] / scale;
            gap = Math.min(gap, own - next * next);
        }
        return gap == Double.POSITIVE_INFINITY ? 1.0 : gap;
    }

    private static void check(boolean condition, String context, String message) {
        if (!condition) {
            throw new AssertionError(context + ": " + message);
        }
    }
}
