package org.amct.spi;

import java.util.Objects;

/**
 * The truncated factorization of an {@code n x m} matrix {@code A} at rank {@code r}.
 *
 * @param leftVectors {@code P}: the first {@code r} left singular vectors of {@code A}, as the
 *     columns of an {@code n x r} matrix with orthonormal columns, in the order of descending
 *     singular values; each column's sign is the backend's choice
 * @param projection {@code P^T A}: an {@code r x m} matrix, so that {@code P (P^T A)} is the best
 *     rank-{@code r} approximation of {@code A}
 */
public record SvdResult(DenseMatrix leftVectors, DenseMatrix projection) {
    /**
     * Checks that the two shapes fit together.
     *
     * @param leftVectors {@code P}: the first {@code r} left singular vectors of {@code A}, as the
     *     columns of an {@code n x r} matrix with orthonormal columns, in the order of descending
     *     singular values; each column's sign is the backend's choice
     * @param projection {@code P^T A}: an {@code r x m} matrix, so that {@code P (P^T A)} is the
     *     best rank-{@code r} approximation of {@code A}
     * @throws IllegalArgumentException if {@code leftVectors.cols() != projection.rows()}
     */
    public SvdResult {
        Objects.requireNonNull(leftVectors, "leftVectors");
        Objects.requireNonNull(projection, "projection");
        if (leftVectors.cols() != projection.rows()) {
            throw new IllegalArgumentException(
                    "Rank mismatch: P is "
                            + leftVectors.rows()
                            + " x "
                            + leftVectors.cols()
                            + " but P^T A is "
                            + projection.rows()
                            + " x "
                            + projection.cols());
        }
    }

    /**
     * The rank {@code r}.
     *
     * @return the number of columns of {@link #leftVectors()}
     */
    public int rank() {
        return leftVectors.cols();
    }
}
