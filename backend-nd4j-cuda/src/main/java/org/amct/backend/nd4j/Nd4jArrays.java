package org.amct.backend.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Copies ND4J matrices back to the row-major Java arrays the SPI carries, reversing the order of
 * the eigenvectors on the way (LAPACK and cuSOLVER return them for ascending eigenvalues; the SPI
 * wants descending singular values). Thread-safe; each call reads one array.
 */
final class Nd4jArrays {
    private Nd4jArrays() {}

    /**
     * A row-major copy of {@code matrix} with its columns in reverse order.
     *
     * @param matrix a {@code rows x cols} matrix of doubles; not modified
     * @return {@code out[i * cols + k] = matrix[i, cols - 1 - k]}
     */
    static double[] withColumnsReversed(INDArray matrix) {
        int rows = matrix.rows();
        int cols = matrix.columns();
        double[] data = rowMajor(matrix);
        double[] out = new double[data.length];
        for (int i = 0; i < rows; i++) {
            int row = i * cols;
            for (int k = 0; k < cols; k++) {
                out[row + k] = data[row + cols - 1 - k];
            }
        }
        return out;
    }

    /**
     * A row-major copy of {@code matrix} with its rows in reverse order.
     *
     * @param matrix a {@code rows x cols} matrix of doubles; not modified
     * @return {@code out[k * cols + j] = matrix[rows - 1 - k, j]}
     */
    static double[] withRowsReversed(INDArray matrix) {
        int rows = matrix.rows();
        int cols = matrix.columns();
        double[] data = rowMajor(matrix);
        double[] out = new double[data.length];
        for (int k = 0; k < rows; k++) {
            System.arraycopy(data, (rows - 1 - k) * cols, out, k * cols, cols);
        }
        return out;
    }

    /** The elements in row-major order, copied to the Java heap. */
    private static double[] rowMajor(INDArray matrix) {
        long expected = (long) matrix.rows() * matrix.columns();
        try (INDArray copy = matrix.dup('c')) {
            double[] data = copy.data().asDouble();
            if (data.length != expected) {
                throw new IllegalStateException(
                        "ND4J returned "
                                + data.length
                                + " elements for a "
                                + matrix.rows()
                                + " x "
                                + matrix.columns()
                                + " matrix");
            }
            return data;
        }
    }
}
