package org.amct.backend.aparapi.kernel;

import com.aparapi.Kernel;
import java.util.Objects;

/**
 * The OpenCL kernel that forms the Gram matrix {@code G = A A^T} of an {@code n x m} matrix {@code
 * A}, in float64, into an {@code N x N} array ({@code N >= n}, the Jacobi solver's even order)
 * whose padding rows and columns stay zero.
 *
 * <p>One work-item per element {@code (i, j)} of the upper triangle computes the dot product of
 * rows {@code i} and {@code j} and writes it to both {@code (i, j)} and {@code (j, i)}, so {@code
 * G} is exactly symmetric. Work-items outside the triangle or past {@code N * N} (the range is
 * padded to whole work-groups) do nothing.
 *
 * <p>Arrays are bound, transferred and read back by the caller (explicit mode). Not thread-safe.
 */
public final class AparapiGramKernel extends Kernel implements AparapiExplicitKernel {
    private double[] matrix = new double[1];
    private double[] gram = new double[1];
    private int rows;
    private int cols;
    private int order;

    /** Creates the kernel in explicit transfer mode, with nothing bound. */
    public AparapiGramKernel() {
        setExplicit(true);
    }

    /**
     * Binds the arrays of one run.
     *
     * @param matrix {@code A}, row-major {@code rows x cols}; only read
     * @param rows {@code n}
     * @param cols {@code m}
     * @param gram the output, row-major {@code order x order}, zero-filled
     * @param order {@code N >= rows}
     */
    public void bind(double[] matrix, int rows, int cols, double[] gram, int order) {
        this.matrix = Objects.requireNonNull(matrix, "matrix");
        this.gram = Objects.requireNonNull(gram, "gram");
        this.rows = rows;
        this.cols = cols;
        this.order = order;
    }

    @Override
    public void upload() {
        put(matrix).put(gram);
    }

    /** Copies {@code G} back from the device into the bound array. */
    public void download() {
        get(gram);
    }

    /**
     * The number of work-items one run needs: one per element of {@code G}.
     *
     * @return {@code N * N}
     */
    public int workItems() {
        return order * order;
    }

    @Override
    public void release() {
        matrix = new double[1];
        gram = new double[1];
        rows = 0;
        cols = 0;
        order = 0;
    }

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < order * order) {
            int i = id / order;
            int j = id - i * order;
            if (i <= j && j < rows) {
                int rowI = i * cols;
                int rowJ = j * cols;
                double sum = 0.0;
                for (int k = 0; k < cols; k++) {
                    sum += matrix[rowI + k] * matrix[rowJ + k];
                }
                gram[i * order + j] = sum;
                gram[j * order + i] = sum;
            }
        }
    }
}
