package org.amct.spi;

import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float64 matrix in row-major order: element {@code (i, j)} is at index {@code i * cols +
 * j}. Read-only by contract: no method here writes to it, and no receiver may.
 *
 * <p>Large matrices are passed without copying: {@link #wrap} takes ownership of the caller's array
 * and {@link #backingArray()} hands it to a backend's native routine. Instances are safe to read
 * from several threads once published.
 */
public final class DenseMatrix implements MatrixSource {
    private final int rows;
    private final int cols;
    private final double[] data;

    private DenseMatrix(int rows, int cols, double[] data) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(
                    "Matrix dimensions must be >= 0, got " + rows + " x " + cols);
        }
        Objects.requireNonNull(data, "data");
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException(
                    "A "
                            + rows
                            + " x "
                            + cols
                            + " matrix needs "
                            + (long) rows * cols
                            + " elements, got "
                            + data.length);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /**
     * Wraps a row-major array without copying; the caller gives up the right to modify it.
     *
     * @param rows number of rows, {@code >= 0}
     * @param cols number of columns, {@code >= 0}
     * @param data {@code rows * cols} elements in row-major order
     * @return the matrix, backed by {@code data}
     * @throws IllegalArgumentException if the length does not match the shape
     */
    public static DenseMatrix wrap(int rows, int cols, double[] data) {
        return new DenseMatrix(rows, cols, data);
    }

    /**
     * Copies a row-major array into a new matrix.
     *
     * @param rows number of rows, {@code >= 0}
     * @param cols number of columns, {@code >= 0}
     * @param data {@code rows * cols} elements in row-major order; not retained
     * @return the matrix
     * @throws IllegalArgumentException if the length does not match the shape
     */
    public static DenseMatrix copyOf(int rows, int cols, double[] data) {
        return new DenseMatrix(rows, cols, data.clone());
    }

    /**
     * The number of rows.
     *
     * @return the row count
     */
    @Override
    public int rows() {
        return rows;
    }

    /**
     * The number of columns.
     *
     * @return the column count
     */
    @Override
    public int cols() {
        return cols;
    }

    /**
     * One element.
     *
     * @param row the row index
     * @param col the column index
     * @return the element at {@code (row, col)}
     * @throws IndexOutOfBoundsException if an index is outside the matrix
     */
    public double get(int row, int col) {
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, cols);
        return data[row * cols + col];
    }

    /**
     * The backing row-major array, not a copy, so that backends can hand it to native routines.
     * Receivers must not modify it; the conformance suite checks that backends do not.
     *
     * @return the backing array of length {@code rows * cols}
     */
    public double[] backingArray() {
        return data;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IndexOutOfBoundsException if the columns or the target are out of range
     */
    @Override
    public void readColumns(int first, int count, double[] target) {
        Objects.checkFromIndexSize(first, count, cols);
        Objects.checkFromIndexSize(0, rows * count, target.length);
        if (count == cols) {
            System.arraycopy(data, 0, target, 0, rows * cols);
            return;
        }
        for (int i = 0; i < rows; i++) {
            System.arraycopy(data, i * cols + first, target, i * count, count);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IndexOutOfBoundsException if the columns or the target are out of range
     */
    @Override
    public void readColumns(int first, int count, DoubleBuffer target) {
        Objects.checkFromIndexSize(first, count, cols);
        Objects.checkFromIndexSize(0, rows * count, target.limit());
        if (count == cols) {
            target.put(0, data, 0, rows * cols);
            return;
        }
        for (int i = 0; i < rows; i++) {
            target.put(i * count, data, i * cols + first, count);
        }
    }

    @Override
    public double maxAbs() {
        double max = 0.0;
        for (double value : data) {
            double magnitude = Math.abs(value);
            if (Double.isNaN(magnitude)) {
                return Double.NaN;
            }
            max = Math.max(max, magnitude);
        }
        return max;
    }

    /**
     * This matrix itself.
     *
     * @return {@code this}
     */
    @Override
    public DenseMatrix toDenseMatrix() {
        return this;
    }

    /**
     * A copy of the elements in row-major order.
     *
     * @return a new array of length {@code rows * cols}
     */
    public double[] toArray() {
        return data.clone();
    }

    /**
     * Two matrices are equal when they have the same shape and the same elements, compared as by
     * {@link Double#compare}.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof DenseMatrix that
                && rows == that.rows
                && cols == that.cols
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "DenseMatrix[" + rows + " x " + cols + "]";
    }
}
