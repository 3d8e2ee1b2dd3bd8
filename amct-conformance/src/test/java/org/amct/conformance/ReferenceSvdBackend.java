package org.amct.conformance;

import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;

/** A correct but slow backend built on the Jacobi oracle, to prove the suite passes. */
final class ReferenceSvdBackend implements ComputeBackend {
    @Override
    public BackendId id() {
        return BackendId.of("reference");
    }

    @Override
    public String device() {
        return "CPU (one-sided Jacobi, test oracle)";
    }

    @Override
    public Factorization factorize(DenseMatrix a) {
        ReferenceSvd svd = ReferenceSvd.of(a);
        return new Factorization() {
            @Override
            public double[] singularValues() {
                return svd.singularValues();
            }

            @Override
            public SvdResult truncate(int rank) {
                DenseMatrix p = svd.leftVectors(rank);
                return new SvdResult(p, Matrices.transposeTimes(p, a));
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {}
}
