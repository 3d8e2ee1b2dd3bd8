package org.amct.backend.aparapi.kernel;

import com.aparapi.Kernel;
import java.util.Objects;

/**
 * The OpenCL kernel that computes the projection {@code C = P^T A}, in float64, of an {@code n x m}
 * matrix {@code A} onto {@code r} orthonormal columns {@code P} ({@code n x r}).
 *
 * <p>It takes {@code P^T}, its rows padded with zero rows to a multiple of {@value #ROWS_PER_ITEM},
 * so that each work-item reads rows of {@code P^T} front to back. One work-item per column {@code
 * j} of {@code C} and group of {@value #ROWS_PER_ITEM} rows {@code k} sums {@code P^T[k, i] A[i,
 * j]} over {@code i} for the {@value #ROWS_PER_ITEM} rows at once, so each element of {@code A} it
 * loads serves {@value #ROWS_PER_ITEM} sums, and neighbouring work-items read neighbouring elements
 * of a row of {@code A}. Work-items past the last group do nothing.
 *
 * <p>Arrays are bound, transferred and read back by the caller (explicit mode). Not thread-safe.
 */
public final class AparapiProjectionKernel extends Kernel implements AparapiExplicitKernel {
    /** The rows of {@code C} one work-item computes. */
    public static final int ROWS_PER_ITEM = 4;

    private double[] transposedVectors = new double[1];
    private double[] matrix = new double[1];
    private double[] projection = new double[1];
    private int rows;
    private int cols;
    private int rank;

    /** Creates the kernel in explicit transfer mode, with nothing bound. */
    public AparapiProjectionKernel() {
        setExplicit(true);
    }

    /**
     * The number of rows the bound {@code P^T} must have for a rank: the rank rounded up to a
     * multiple of {@value #ROWS_PER_ITEM}.
     *
     * @param rank {@code r}
     * @return the padded row count
     */
    public static int paddedRank(int rank) {
        return (rank + ROWS_PER_ITEM - 1) / ROWS_PER_ITEM * ROWS_PER_ITEM;
    }

    /**
     * Binds the arrays of one run.
     *
     * @param transposedVectors {@code P^T}, row-major {@code paddedRank(rank) x rows}, the padding
     *     rows zero; only read
     * @param matrix {@code A}, row-major {@code rows x cols}; only read
     * @param rows {@code n}
     * @param cols {@code m}
     * @param rank {@code r}
     * @param projection the output, row-major {@code rank x cols}
     */
    public void bind(
            double[] transposedVectors,
            double[] matrix,
            int rows,
            int cols,
            int rank,
            double[] projection) {
        this.transposedVectors = Objects.requireNonNull(transposedVectors, "transposedVectors");
        this.matrix = Objects.requireNonNull(matrix, "matrix");
        this.projection = Objects.requireNonNull(projection, "projection");
        this.rows = rows;
        this.cols = cols;
        this.rank = rank;
    }

    @Override
    public void upload() {
        put(transposedVectors).put(matrix).put(projection);
    }

    /** Copies {@code C} back from the device into the bound array. */
    public void download() {
        get(projection);
    }

    /**
     * The number of work-items one run needs: one per column of {@code C} and group of rows.
     *
     * @return {@code paddedRank(r) / ROWS_PER_ITEM * m}
     */
    public int workItems() {
        return paddedRank(rank) / ROWS_PER_ITEM * cols;
    }

    @Override
    public void release() {
        transposedVectors = new double[1];
        matrix = new double[1];
        projection = new double[1];
        rows = 0;
        cols = 0;
        rank = 0;
    }

    @Override
    public void run() {
        int id = getGlobalId();
        int groups = (rank + ROWS_PER_ITEM - 1) / ROWS_PER_ITEM;
        if (id < groups * cols) {
            int group = id / cols;
            int j = id - group * cols;
            int k = group * ROWS_PER_ITEM;
            int row0 = k * rows;
            int row1 = row0 + rows;
            int row2 = row1 + rows;
            int row3 = row2 + rows;
            double sum0 = 0.0;
            double sum1 = 0.0;
            double sum2 = 0.0;
            double sum3 = 0.0;
            for (int i = 0; i < rows; i++) {
                double element = matrix[i * cols + j];
                sum0 += transposedVectors[row0 + i] * element;
                sum1 += transposedVectors[row1 + i] * element;
                sum2 += transposedVectors[row2 + i] * element;
                sum3 += transposedVectors[row3 + i] * element;
            }
            projection[k * cols + j] = sum0;
            if (k + 1 < rank) {
                projection[(k + 1) * cols + j] = sum1;
            }
            if (k + 2 < rank) {
                projection[(k + 2) * cols + j] = sum2;
            }
            if (k + 3 < rank) {
                projection[(k + 3) * cols + j] = sum3;
            }
        }
    }
}
