package org.amct.conformance;

import org.amct.spi.BackendChecks;
import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;

/** A correct but slow backend built on the Jacobi oracle, to prove the suite passes. */
final class ReferenceSvdBackend implements ComputeBackend {
    private static final BackendId ID = BackendId.of("reference");

    private volatile boolean closed;

    @Override
    public BackendId id() {
        return ID;
    }

    @Override
    public String device() {
        return "CPU (one-sided Jacobi, test oracle)";
    }

    @Override
    public Factorization factorize(DenseMatrix a) {
        BackendChecks.requireBackendOpen(ID, closed);
        BackendChecks.requireFactorizable(ID, a);
        BackendChecks.requireFinite(ID, a);
        ReferenceSvd svd = ReferenceSvd.of(a);
        return new Factorization() {
            private boolean done;

            @Override
            public double[] singularValues() {
                return svd.singularValues();
            }

            @Override
            public SvdResult truncate(int rank) {
                BackendChecks.requireFactorizationOpen(ID, done);
                BackendChecks.requireRank(ID, rank, a.rows(), a.cols());
                DenseMatrix p = svd.leftVectors(rank);
                return new SvdResult(p, Matrices.transposeTimes(p, a));
            }

            @Override
            public void close() {
                done = true;
            }
        };
    }

    /** The oracle's copies: {@code A}, its {@code m x n} transpose and the vectors. */
    @Override
    public long workspaceBytes(int rows, int cols) {
        long n = rows;
        long m = cols;
        return 8L * (2 * n * m + n * n);
    }

    /** Stateless apart from the closed flag: safe to call from several threads. */
    @Override
    public boolean isThreadSafe() {
        return true;
    }

    @Override
    public void close() {
        closed = true;
    }
}
