package org.amct.api.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.amct.api.exception.DecompositionException;
import org.amct.api.exception.ErrorCategory;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Size2d;
import org.amct.spi.BackendException;
import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.amct.spi.SvdResult;
import org.junit.jupiter.api.Test;

/**
 * A layer's failure says whose fault it is: a backend that fails or returns an invalid spectrum is
 * {@link ErrorCategory#BACKEND} (exit 4 in the CLI), a weight with NaN is {@link
 * ErrorCategory#INPUT} (exit 3).
 */
class FailureCategoryTest {
    /** An eligible 64 x 64 x 3 x 3 layer. */
    private static Conv2d conv() {
        return Conv2d.builder(64, 64, Size2d.square(3)).random(new Random(5)).build();
    }

    /** A backend whose factorization returns the given spectrum, or throws when it is null. */
    private static ComputeBackend backend(double[] spectrum) {
        return new ComputeBackend() {
            @Override
            public BackendId id() {
                return BackendId.of("broken");
            }

            @Override
            public String device() {
                return "test";
            }

            @Override
            public Factorization factorize(DenseMatrix a) {
                if (spectrum == null) {
                    throw new BackendException("gesdd: info = 3");
                }
                return new Factorization() {
                    @Override
                    public double[] singularValues() {
                        return spectrum.clone();
                    }

                    @Override
                    public SvdResult truncate(int rank) {
                        throw new BackendException("not reached");
                    }

                    @Override
                    public void close() {}
                };
            }

            @Override
            public long workspaceBytes(int rows, int cols) {
                return 0;
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void anAscendingSpectrumIsTheBackendsFault() {
        double[] ascending = new double[192];
        for (int i = 0; i < ascending.length; i++) {
            ascending[i] = i;
        }
        DecompositionException e =
                assertThrows(
                        DecompositionException.class,
                        () -> LayerDecomposer.rankOf("conv1", conv(), backend(ascending)));
        assertEquals(ErrorCategory.BACKEND, e.category());
        assertEquals(ErrorCategory.BACKEND, ErrorCategory.of(e));
        assertTrue(e.getMessage().contains("invalid spectrum"), e.getMessage());
        assertTrue(e.getMessage().contains("'broken'"), e.getMessage());
    }

    @Test
    void aThrowingBackendIsTheBackendsFaultAndKeepsTheCause() {
        DecompositionException e =
                assertThrows(
                        DecompositionException.class,
                        () -> LayerDecomposer.rankOf("conv1", conv(), backend(null)));
        assertEquals(ErrorCategory.BACKEND, e.category());
        assertTrue(e.getCause() instanceof BackendException, String.valueOf(e.getCause()));
        assertTrue(e.getMessage().contains("gesdd: info = 3"), e.getMessage());
    }

    @Test
    void aNanWeightIsTheInputsFault() {
        Conv2d conv = conv();
        double[] values = conv.weight().toDoubles();
        values[3] = Double.NaN;
        Conv2d bad =
                conv.toBuilder()
                        .weight(
                                org.amct.api.graph.Tensor.fromDoubles(
                                        conv.weight().dtype(), conv.weight().shape(), values))
                        .build();
        DecompositionException e =
                assertThrows(
                        DecompositionException.class,
                        () -> LayerDecomposer.rankOf("conv1", bad, backend(new double[192])));
        assertEquals(ErrorCategory.INPUT, e.category());
    }

    @Test
    void ioFailuresAndBugsHaveTheirOwnCategories() {
        assertEquals(ErrorCategory.IO, ErrorCategory.of(new java.io.IOException("disk full")));
        assertEquals(
                ErrorCategory.IO,
                ErrorCategory.of(
                        new java.io.UncheckedIOException(new java.io.IOException("disk full"))));
        assertEquals(ErrorCategory.INTERNAL, ErrorCategory.of(new IllegalStateException("bug")));
        assertEquals(
                ErrorCategory.BACKEND,
                ErrorCategory.of(new IllegalStateException(new BackendException("device lost"))));
    }
}
