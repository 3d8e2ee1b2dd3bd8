package org.amct.spi;

import java.nio.DoubleBuffer;
import java.util.Objects;

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
     * Copies the columns {@code [first, first + count)} into a buffer, laid out as {@link
     * #readColumns(int, int, double[])} lays them out in an array: element {@code (i, first + k)}
     * goes to {@code target.get(i * count + k)}, an absolute index (the buffer's position and limit
     * are not changed). A backend passes a direct buffer over its native memory this way, so that a
     * block needs no staging copy on the Java heap. The default reads pieces of at most {@code
     * 2^16} elements into a heap array and copies them; implementations that compute each element
     * (such as the API's view of a weight tensor) write straight into the buffer instead.
     *
     * @param first the first column, {@code 0 <= first <= cols() - count}
     * @param count the number of columns, {@code >= 0}
     * @param target at least {@code rows() * count} elements below its limit; the rest is left
     *     alone
     * @throws IndexOutOfBoundsException if the columns or the target are out of range
     */
    default void readColumns(int first, int count, DoubleBuffer target) {
        int rows = rows();
        Objects.checkFromIndexSize(first, count, cols());
        Objects.checkFromIndexSize(0, Math.multiplyExact(rows, count), target.limit());
        if (rows == 0 || count == 0) {
            return;
        }
        int width = Math.max(1, Math.min(count, (1 << 16) / rows));
        double[] piece = new double[rows * width];
        for (int done = 0; done < count; done += width) {
            int columns = Math.min(width, count - done);
            readColumns(first + done, columns, piece);
            for (int i = 0; i < rows; i++) {
                target.put(i * count + done, piece, i * columns, columns);
            }
        }
    }

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
