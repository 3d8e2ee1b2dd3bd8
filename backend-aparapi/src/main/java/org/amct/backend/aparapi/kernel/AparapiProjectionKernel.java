package org.amct.backend.aparapi.kernel;

import com.aparapi.Kernel;
import java.util.Objects;

/**
 * The OpenCL kernel that computes the projection {@code C = P^T A}, in float64, of an {@code n x m}
 * matrix {@code A} onto {@code r} orthonormal columns {@code P} ({@code n x r}).
 *
 * <p>One work-item per element {@code (k, j)} of {@code C} ({@code r x m}) sums {@code P[i, k] A[i,
 * j]} over {@code i}; neighbouring work-items read neighbouring elements of a row of {@code A}.
 * Work-items past {@code r * m} do nothing.
 *
 * <p>Arrays are bound, transferred and read back by the caller (explicit mode). Not thread-safe.
 */
public final class AparapiProjectionKernel extends Kernel implements AparapiExplicitKernel {
    private double[] vectors = new double[1];
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
     * Binds the arrays of one run.
     *
     * @param vectors {@code P}, row-major {@code rows x rank}; only read
     * @param matrix {@code A}, row-major {@code rows x cols}; only read
     * @param rows {@code n}
     * @param cols {@code m}
     * @param rank {@code r}
     * @param projection the output, row-major {@code rank x cols}
     */
    public void bind(
            double[] vectors, double[] matrix, int rows, int cols, int rank, double[] projection) {
        this.vectors = Objects.requireNonNull(vectors, "vectors");
        this.matrix = Objects.requireNonNull(matrix, "matrix");
        this.projection = Objects.requireNonNull(projection, "projection");
        this.rows = rows;
        this.cols = cols;
        this.rank = rank;
    }

    @Override
    public void upload() {
        put(vectors).put(matrix).put(projection);
    }

    /** Copies {@code C} back from the device into the bound array. */
    public void download() {
        get(projection);
    }

    /**
     * The number of work-items one run needs: one per element of {@code C}.
     *
     * @return {@code r * m}
     */
    public int workItems() {
        return rank * cols;
    }

    @Override
    public void release() {
        vectors = new double[1];
        matrix = new double[1];
        projection = new double[1];
        rows = 0;
        cols = 0;
        rank = 0;
    }

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < rank * cols) {
            int k = id / cols;
            int j = id - k * cols;
            double sum = 0.0;
            for (int i = 0; i < rows; i++) {
                sum += vectors[i * rank + k] * matrix[i * cols + j];
            }
            projection[id] = sum;
        }
    }
}
