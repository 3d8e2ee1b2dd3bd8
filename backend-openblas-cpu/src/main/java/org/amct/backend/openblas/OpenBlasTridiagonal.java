package org.amct.backend.openblas;

import static org.bytedeco.openblas.global.openblas.LAPACKE_dormtr;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dstemr;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dsterf;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dsytrd;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;

import java.util.Arrays;
import org.amct.spi.BackendException;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * A symmetric matrix {@code G} ({@code n x n}) reduced once to tridiagonal form {@code G = Q T Q^T}
 * by {@code dsytrd}, kept in native memory: {@code T}'s diagonal and off-diagonal, and the
 * Householder reflectors of {@code Q} (in {@code G}'s own buffer, which this object takes over, and
 * {@code tau}). From it come all eigenvalues ({@code dsterf}) and the eigenvectors of the largest
 * ones ({@code dstemr} on {@code T}, then {@code dormtr} to apply {@code Q}).
 *
 * <p>Memory: {@code n^2 + 3n} doubles kept until {@link #close()}. Not thread-safe.
 */
final class OpenBlasTridiagonal implements AutoCloseable {
    private static final byte LOWER = 'L';
    private static final byte LEFT = 'L';
    private static final byte NO_TRANSPOSE = 'N';
    private static final byte VECTORS = 'V';
    private static final byte BY_INDEX = 'I';

    private final int order;
    private final String context;
    private final DoublePointer reflectors;
    private final DoublePointer diagonal;
    private final DoublePointer offDiagonal;
    private final DoublePointer tau;

    private OpenBlasTridiagonal(int order, String context, DoublePointer reflectors) {
        this.order = order;
        this.context = context;
        this.reflectors = reflectors;
        this.diagonal = OpenBlasBuffers.allocate(order);
        this.offDiagonal = OpenBlasBuffers.allocate(order);
        this.tau = OpenBlasBuffers.allocate(order);
    }

    /**
     * Reduces {@code gram} to tridiagonal form, taking over its buffer (closed with this object,
     * also when the reduction fails).
     *
     * @param gram the column-major {@code order x order} matrix, lower triangle used
     * @param order {@code n}
     * @param context names the factorized matrix in error messages, for example {@code "1536 x
     *     1536"}
     * @return the reduced form, owned by the caller
     * @throws BackendException if {@code dsytrd} fails
     */
    static OpenBlasTridiagonal reduce(DoublePointer gram, int order, String context) {
        OpenBlasTridiagonal reduced = null;
        boolean complete = false;
        try {
            reduced = new OpenBlasTridiagonal(order, context, gram);
            int info =
                    LAPACKE_dsytrd(
                            LAPACK_COL_MAJOR,
                            LOWER,
                            order,
                            gram,
                            order,
                            reduced.diagonal,
                            reduced.offDiagonal,
                            reduced.tau);
            OpenBlasLapack.check(info, "LAPACKE_dsytrd", context);
            complete = true;
            return reduced;
        } finally {
            if (!complete) {
                if (reduced != null) {
                    reduced.close();
                } else {
                    gram.close();
                }
            }
        }
    }

    /**
     * All eigenvalues of {@code T} (and {@code G}), by {@code dsterf} on copies of {@code T}.
     *
     * @return a new array of {@code n} eigenvalues in ascending order
     * @throws BackendException if {@code dsterf} fails
     */
    double[] eigenvalues() {
        double[] eigenvalues = new double[order];
        try (DoublePointer d = OpenBlasBuffers.copyOf(diagonal, order);
                DoublePointer e = OpenBlasBuffers.copyOf(offDiagonal, order)) {
            OpenBlasLapack.check(LAPACKE_dsterf(order, d, e), "LAPACKE_dsterf", context);
            OpenBlasBuffers.read(d, 0, eigenvalues, 0, order);
        }
        Arrays.sort(eigenvalues);
        return eigenvalues;
    }

    /**
     * The eigenvectors of {@code G} for its {@code count} largest eigenvalues.
     *
     * @param count how many, {@code 1 <= count <= n}
     * @return a column-major {@code n x count} native buffer with orthonormal columns, eigenvalues
     *     ascending from column 0; owned by the caller
     * @throws BackendException if {@code dstemr} or {@code dormtr} fails
     */
    DoublePointer topEigenvectors(int count) {
        DoublePointer vectors = OpenBlasBuffers.allocate((long) order * count);
        boolean complete = false;
        try {
            tridiagonalEigenvectors(count, vectors);
            int info =
                    LAPACKE_dormtr(
                            LAPACK_COL_MAJOR,
                            LEFT,
                            LOWER,
                            NO_TRANSPOSE,
                            order,
                            count,
                            reflectors,
                            order,
                            tau,
                            vectors,
                            order);
            OpenBlasLapack.check(info, "LAPACKE_dormtr", context);
            complete = true;
            return vectors;
        } finally {
            if (!complete) {
                vectors.close();
            }
        }
    }

    /** Frees the native buffers. */
    @Override
    public void close() {
        reflectors.close();
        diagonal.close();
        offDiagonal.close();
        tau.close();
    }

    /** The eigenvectors of {@code T} for its {@code count} largest eigenvalues, by MRRR. */
    private void tridiagonalEigenvectors(int count, DoublePointer vectors) {
        try (DoublePointer d = OpenBlasBuffers.copyOf(diagonal, order);
                DoublePointer e = OpenBlasBuffers.copyOf(offDiagonal, order);
                DoublePointer values = OpenBlasBuffers.allocate(order);
                IntPointer found = new IntPointer(1);
                IntPointer support = new IntPointer(2L * count);
                IntPointer tryRelativeAccuracy = new IntPointer(1)) {
            tryRelativeAccuracy.put(0, 1);
            int info =
                    LAPACKE_dstemr(
                            LAPACK_COL_MAJOR,
                            VECTORS,
                            BY_INDEX,
                            order,
                            d,
                            e,
                            0.0,
                            0.0,
                            order - count + 1,
                            order,
                            found,
                            values,
                            vectors,
                            order,
                            count,
                            support,
                            tryRelativeAccuracy);
            OpenBlasLapack.check(info, "LAPACKE_dstemr", context);
            if (found.get() != count) {
                throw new BackendException(
                        "Backend 'openblas': LAPACKE_dstemr found "
                                + found.get()
                                + " eigenvectors of the tridiagonal form of "
                                + context
                                + " where "
                                + count
                                + " were asked for");
            }
        }
    }
}
