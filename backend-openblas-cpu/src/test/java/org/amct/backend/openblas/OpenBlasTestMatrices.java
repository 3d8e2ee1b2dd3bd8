package org.amct.backend.openblas;

import java.util.Random;
import org.amct.spi.DenseMatrix;

/** Test matrices with a known singular value decomposition. */
final class OpenBlasTestMatrices {
    private OpenBlasTestMatrices() {}

    /**
     * {@code A = U diag(s) V^T} with random orthonormal {@code U} ({@code n x n}) and {@code V}
     * ({@code m x n}).
     */
    static Known withSingularValues(int rows, int cols, double[] singularValues, long seed) {
        Random random = new Random(seed);
        double[] left = orthonormalColumns(rows, rows, random);
        double[] right = orthonormalColumns(cols, rows, random);
        double[] product = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < rows; k++) {
                double weight = left[i * rows + k] * singularValues[k];
                if (weight == 0.0) {
                    continue;
                }
                for (int j = 0; j < cols; j++) {
                    product[i * cols + j] += weight * right[j * rows + k];
                }
            }
        }
        return new Known(DenseMatrix.wrap(rows, cols, product), left, singularValues.clone());
    }

    /** A matrix of independent standard gaussians. */
    static DenseMatrix gaussian(int rows, int cols, long seed) {
        Random random = new Random(seed);
        double[] data = new double[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextGaussian();
        }
        return DenseMatrix.wrap(rows, cols, data);
    }

    /** The same matrix with every element multiplied by {@code factor}. */
    static DenseMatrix scaled(DenseMatrix matrix, double factor) {
        double[] data = matrix.toArray();
        for (int i = 0; i < data.length; i++) {
            data[i] *= factor;
        }
        return DenseMatrix.wrap(matrix.rows(), matrix.cols(), data);
    }

    /** Row-major {@code rows x count} with orthonormal columns (modified Gram-Schmidt, twice). */
    private static double[] orthonormalColumns(int rows, int count, Random random) {
        double[][] columns = new double[count][rows];
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < rows; i++) {
                columns[k][i] = random.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int previous = 0; previous < k; previous++) {
                    double dot = dot(columns[previous], columns[k]);
                    for (int i = 0; i < rows; i++) {
                        columns[k][i] -= dot * columns[previous][i];
                    }
                }
            }
            double norm = Math.sqrt(dot(columns[k], columns[k]));
            for (int i = 0; i < rows; i++) {
                columns[k][i] /= norm;
            }
        }
        double[] result = new double[rows * count];
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < rows; i++) {
                result[i * count + k] = columns[k][i];
            }
        }
        return result;
    }

    static double dot(double[] x, double[] y) {
        double sum = 0.0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i] * y[i];
        }
        return sum;
    }

    /**
     * A matrix and its exact decomposition.
     *
     * @param matrix {@code A}
     * @param leftVectors {@code U}, row-major {@code n x n}
     * @param singularValues {@code s}, as given
     */
    record Known(DenseMatrix matrix, double[] leftVectors, double[] singularValues) {}
}
