package org.amct.api.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.amct.api.graph.DType;
import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackend;
import org.amct.spi.DenseMatrix;
import org.amct.spi.Factorization;
import org.junit.jupiter.api.Test;

/**
 * The heap estimate of a layer counts the float64 unfolding {@code A} ({@code 8 n m} bytes) only
 * for backends that materialize it; a backend that streams it is charged its workspace and the
 * factors.
 */
class PeakBytesTest {
    private static ComputeBackend backend(boolean streams, long workspace) {
        return new ComputeBackend() {
            @Override
            public BackendId id() {
                return BackendId.of("estimate");
            }

            @Override
            public String device() {
                return "test";
            }

            @Override
            public Factorization factorize(DenseMatrix a) {
                throw new UnsupportedOperationException("not reached");
            }

            @Override
            public long workspaceBytes(int rows, int cols) {
                return workspace;
            }

            @Override
            public boolean streamsMatrix() {
                return streams;
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void aMaterializingBackendIsChargedTheUnfoldingItsWorkspaceAndTheFactors() {
        int n = 1536;
        int m = 1536;
        long r = n / 4 + 16;
        long factors = (8 + 4) * r * (n + m); // float32: P and C in float64, the weights
        assertEquals(
                8L * n * m + 1000 + factors,
                LayerDecomposer.peakBytes(n, m, DType.FLOAT32, backend(false, 1000), false));
        assertEquals(
                8L * n * m + 1000 + 2 * 8L * n * (n + m),
                LayerDecomposer.peakBytes(n, m, DType.FLOAT64, backend(false, 1000), true));
        // 16-bit: the weights, and the rounded copies the stored error is formed from
        assertEquals(
                8L * n * m + 1000 + (8 + 2 + 2 + 8) * r * (n + m),
                LayerDecomposer.peakBytes(n, m, DType.FLOAT16, backend(false, 1000), false));
    }

    @Test
    void aStreamingBackendIsNotChargedTheUnfolding() {
        int n = 3072;
        int m = 4608;
        for (boolean fullRank : new boolean[] {false, true}) {
            long materialized =
                    LayerDecomposer.peakBytes(n, m, DType.FLOAT32, backend(false, 77), fullRank);
            long streamed =
                    LayerDecomposer.peakBytes(n, m, DType.FLOAT32, backend(true, 77), fullRank);
            assertEquals(8L * n * m, materialized - streamed);
        }
    }

    @Test
    void backendsStreamOnlyWhenTheySayso() {
        assertEquals(false, backend(false, 0).streamsMatrix());
        ComputeBackend plain =
                new ComputeBackend() {
                    @Override
                    public BackendId id() {
                        return BackendId.of("plain");
                    }

                    @Override
                    public String device() {
                        return "test";
                    }

                    @Override
                    public Factorization factorize(DenseMatrix a) {
                        throw new UnsupportedOperationException("not reached");
                    }

                    @Override
                    public long workspaceBytes(int rows, int cols) {
                        return 0;
                    }

                    @Override
                    public void close() {}
                };
        assertEquals(false, plain.streamsMatrix(), "the default materializes, so does not stream");
    }
}
