package org.amct.backend.openblas;

import static org.bytedeco.openblas.global.openblas.LAPACK_TRANSPOSE_MEMORY_ERROR;
import static org.bytedeco.openblas.global.openblas.LAPACK_WORK_MEMORY_ERROR;

import org.amct.spi.BackendException;

/**
 * Turns LAPACKE status codes into exceptions that name the backend, the routine and the matrix.
 * Stateless; thread-safe.
 */
final class OpenBlasLapack {
    private OpenBlasLapack() {}

    /**
     * Checks the {@code info} a LAPACKE routine returned.
     *
     * @param info the status: 0 for success
     * @param routine the routine, for example {@code "LAPACKE_dsytrd"}
     * @param context what it worked on, for example {@code "the 192 x 192 Gram matrix of a 192 x
     *     288 matrix"}
     * @throws BackendException if {@code info != 0}
     */
    static void check(int info, String routine, String context) {
        if (info == 0) {
            return;
        }
        String where = "Backend 'openblas': " + routine + " on " + context;
        if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR) {
            throw new BackendException(
                    where + " could not allocate its workspace; give the process more memory");
        }
        if (info < 0) {
            throw new BackendException(
                    where
                            + " rejected its argument "
                            + -info
                            + " (info = "
                            + info
                            + "); this is a bug in the backend, please report it");
        }
        throw new BackendException(
                where
                        + " did not converge (info = "
                        + info
                        + "); the matrix may be too ill-conditioned for this backend,"
                        + " try --backend ejml");
    }
}
