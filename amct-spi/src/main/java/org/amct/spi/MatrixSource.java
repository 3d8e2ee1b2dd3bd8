package org.amct.spi;

/**
 * A read-only {@code n x m} float64 matrix handed out a block of columns at a time, so that a
 * backend can stream it into its own memory without the whole matrix ever existing as one float64
 * array. The API passes a layer's unfolded weight this way: each element is computed from the
 * weight tensor (in its own dtype) when a block is read.
 *
 * <p>A {@link DenseMatrix} is also a source. Implementations are safe to read from several threads
 * once published, and every read of the same columns gives the same values.
 */
public interface MatrixSource {

    /**
     * The number of rows.
     *
     * @return {@code n}
     */
    int rows();

    /**
     * The number of columns.
     *
     * @return {@code m}
     */
    int cols();

    /**
     * Copies the columns {@code [first, first + count)} into {@code target} as a row-major {@code
     * rows() x count} matrix: element {@code (i, first + k)} goes to {@code target[i * count + k]}.
     *
     * @param first the first column, {@code 0 <= first <= cols() - count}
     * @param count the number of columns, {@code >= 0}
     * @param target at least {@code rows() * count} elements; the rest is left alone
     * @throws IndexOutOfBoundsException if the columns or the target are out of range
     */
    void readColumns(int first, int count, double[] target);

    /**
     * The largest absolute element: {@code NaN} if an element is NaN, infinity if one is infinite
     * (and none is NaN), 0 for an empty or all-zero matrix. The default reads every block.
     *
     * @return {@code max |a_ij|}
     */
    default double maxAbs() {
        int rows = rows();
        int cols = cols();
        if (rows == 0 || cols == 0) {
            return 0.0;
        }
        int width = (int) Math.max(1, Math.min(cols, (1L << 20) / rows));
        double[] block = new double[rows * width];
        double max = 0.0;
        for (int first = 0; first < cols; first += width) {
            int count = Math.min(width, cols - first);
            readColumns(first, count, block);
            for (int i = 0; i < rows * count; i++) {
                double magnitude = Math.abs(block[i]);
                if (Double.isNaN(magnitude)) {
                    return Double.NaN;
                }
                max = Math.max(max, magnitude);
            }
        }
        return max;
    }

    /**
     * The whole matrix as one array, for backends that need it in memory at once.
     *
     * @return a dense matrix with these elements (a {@link DenseMatrix} returns itself)
     * @throws ArithmeticException if {@code rows() * cols()} does not fit in an array
     */
    default DenseMatrix toDenseMatrix() {
        double[] data = new double[Math.multiplyExact(rows(), cols())];
        readColumns(0, cols(), data);
        return DenseMatrix.wrap(rows(), cols(), data);
    }
}
