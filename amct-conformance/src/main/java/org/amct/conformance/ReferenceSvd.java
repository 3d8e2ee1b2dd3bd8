package org.amct.conformance;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.IntStream;
import org.amct.spi.DenseMatrix;

/**
 * An accurate, small and slow SVD oracle: the one-sided (Hestenes) Jacobi method applied to the
 * rows of an {@code n x m} matrix {@code A} with {@code n <= m}. Rotations make the rows mutually
 * orthogonal, {@code U^T A = B}; the row norms of {@code B} are the singular values and the
 * accumulated rotations are the left singular vectors {@code U}. Jacobi works on {@code A} itself,
 * not on {@code A A^T}, so small singular values come out with high relative accuracy.
 *
 * <p>The matrix is scaled by its largest absolute element first, so values near {@code 1e-300} or
 * {@code 1e+300} neither underflow nor overflow. Cost: about {@code 6 n^2 m} flops per sweep and
 * usually 6 to 10 sweeps; use it for matrices up to a few hundred rows.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ReferenceSvd {
    private static final int MAX_SWEEPS = 100;

    private final double[] singularValues;
    private final DenseMatrix leftVectors;

    private ReferenceSvd(double[] singularValues, DenseMatrix leftVectors) {
        this.singularValues = singularValues;
        this.leftVectors = leftVectors;
    }

    /**
     * Computes the SVD of {@code a}, which is not modified.
     *
     * @param a the {@code n x m} matrix, {@code 1 <= n <= m}, with finite elements
     * @return all {@code n} singular values and the {@code n x n} left singular vectors
     * @throws IllegalArgumentException if {@code n == 0}, {@code n > m} or an element is not finite
     * @throws IllegalStateException if the sweeps do not converge (not seen in practice)
     */
    public static ReferenceSvd of(DenseMatrix a) {
        Objects.requireNonNull(a, "a");
        int rows = a.rows();
        int cols = a.cols();
        if (rows == 0 || rows > cols) {
            throw new IllegalArgumentException(
                    "ReferenceSvd needs 1 <= rows <= cols, got " + rows + " x " + cols);
        }
        double scale = Matrices.maxAbs(a.backingArray());
        if (!Double.isFinite(scale)) {
            throw new IllegalArgumentException(
                    "ReferenceSvd needs finite elements; the "
                            + rows
                            + " x "
                            + cols
                            + " matrix has NaN or Inf");
        }
        double[] work = a.toArray();
        double[] rotations = identity(rows);
        if (scale > 0) {
            for (int i = 0; i < work.length; i++) {
                work[i] /= scale;
            }
            orthogonalizeRows(work, rotations, rows, cols);
        }
        return sorted(work, rotations, rows, cols, scale);
    }

    /**
     * All {@code n} singular values in descending order.
     *
     * @return a new array; the caller owns it
     */
    public double[] singularValues() {
        return singularValues.clone();
    }

    /**
     * All {@code n} left singular vectors, as the columns of an {@code n x n} orthogonal matrix, in
     * the order of {@link #singularValues()}.
     *
     * @return the matrix {@code U}
     */
    public DenseMatrix leftVectors() {
        return leftVectors;
    }

    /**
     * The first {@code rank} left singular vectors.
     *
     * @param rank {@code 1 <= rank <= n}
     * @return an {@code n x rank} matrix
     * @throws IllegalArgumentException if {@code rank} is out of range
     */
    public DenseMatrix leftVectors(int rank) {
        int n = singularValues.length;
        if (rank < 1 || rank > n) {
            throw new IllegalArgumentException("rank must be in [1, " + n + "], got " + rank);
        }
        double[] out = new double[n * rank];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < rank; c++) {
                out[i * rank + c] = leftVectors.get(i, c);
            }
        }
        return DenseMatrix.wrap(n, rank, out);
    }

    private static double[] identity(int n) {
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            out[i * n + i] = 1;
        }
        return out;
    }

    /**
     * Rotates pairs of rows of {@code work} until all are orthogonal; {@code rotations} follows.
     */
    private static void orthogonalizeRows(double[] work, double[] rotations, int rows, int cols) {
        double threshold = Math.sqrt(cols) * Tolerances.EPS;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < rows - 1; p++) {
                for (int q = p + 1; q < rows; q++) {
                    rotated |= rotatePair(work, rotations, rows, cols, p, q, threshold);
                }
            }
            if (!rotated) {
                return;
            }
        }
        throw new IllegalStateException(
                "ReferenceSvd: one-sided Jacobi did not converge in "
                        + MAX_SWEEPS
                        + " sweeps on a "
                        + rows
                        + " x "
                        + cols
                        + " matrix");
    }

    private static boolean rotatePair(
            double[] work, double[] rotations, int rows, int cols, int p, int q, double threshold) {
        double alpha = dot(work, p * cols, p * cols, cols);
        double beta = dot(work, q * cols, q * cols, cols);
        double gamma = dot(work, p * cols, q * cols, cols);
        if (gamma == 0 || Math.abs(gamma) <= threshold * Math.sqrt(alpha) * Math.sqrt(beta)) {
            return false;
        }
        double zeta = (beta - alpha) / (2 * gamma);
        double t =
                Math.abs(zeta) > 1e100
                        ? 0.5 / zeta
                        : Math.copySign(1.0, zeta) / (Math.abs(zeta) + Math.hypot(1.0, zeta));
        double c = 1 / Math.sqrt(1 + t * t);
        double s = c * t;
        rotate(work, p * cols, q * cols, cols, c, s);
        rotate(rotations, p * rows, q * rows, rows, c, s);
        return true;
    }

    private static double dot(double[] data, int left, int right, int length) {
        double sum = 0;
        for (int k = 0; k < length; k++) {
            sum += data[left + k] * data[right + k];
        }
        return sum;
    }

    private static void rotate(double[] data, int p, int q, int length, double c, double s) {
        for (int k = 0; k < length; k++) {
            double x = data[p + k];
            double y = data[q + k];
            data[p + k] = c * x - s * y;
            data[q + k] = s * x + c * y;
        }
    }

    private static ReferenceSvd sorted(
            double[] work, double[] rotations, int rows, int cols, double scale) {
        double[] norms = new double[rows];
        for (int i = 0; i < rows; i++) {
            norms[i] = Math.sqrt(dot(work, i * cols, i * cols, cols)) * scale;
        }
        Integer[] order = IntStream.range(0, rows).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> norms[i]).reversed());
        double[] values = new double[rows];
        double[] vectors = new double[rows * rows];
        for (int k = 0; k < rows; k++) {
            int source = order[k];
            values[k] = norms[source];
            for (int i = 0; i < rows; i++) {
                vectors[i * rows + k] = rotations[source * rows + i];
            }
        }
        return new ReferenceSvd(values, DenseMatrix.wrap(rows, rows, vectors));
    }
}
