package org.amct.backend.ejml;

import java.util.ArrayList;
import java.util.List;
import org.amct.spi.DenseMatrix;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The Gram matrix {@code G = S S^T} of the scaled matrix {@code S = A / scale}, as a full symmetric
 * {@code n x n} row-major array. Only the tiles on and below the diagonal are multiplied (half the
 * flops of a general product), each by EJML's {@link CommonOps_DDRM#mult} on one thread of the
 * backend's pool; the upper tiles are mirrored, so {@code G} is exactly symmetric.
 *
 * <p>Memory: besides {@code G} ({@code n^2} doubles), the row blocks of {@code S} and the column
 * blocks of {@code S^T} ({@code 2 n m} doubles) and one tile per thread.
 */
final class EjmlGram {
    /** Tile edge: big enough for EJML's row-reordered kernel, small enough to balance threads. */
    private static final int TILE = 192;

    private EjmlGram() {}

    /** {@code G = (A / scale)(A / scale)^T}, with {@code scale > 0}. */
    static double[] compute(DenseMatrix a, double scale, EjmlParallel parallel) {
        int n = a.rows();
        int tiles = (n + TILE - 1) / TILE;
        DMatrixRMaj[] rowBlocks = new DMatrixRMaj[tiles];
        DMatrixRMaj[] colBlocks = new DMatrixRMaj[tiles];
        parallel.forRange(
                0,
                tiles,
                1,
                (from, to) -> {
                    for (int t = from; t < to; t++) {
                        rowBlocks[t] = scaledRows(a, t * TILE, Math.min(n, (t + 1) * TILE), scale);
                        colBlocks[t] = CommonOps_DDRM.transpose(rowBlocks[t], null);
                    }
                });
        List<int[]> pairs = new ArrayList<>();
        for (int row = 0; row < tiles; row++) {
            for (int col = 0; col <= row; col++) {
                pairs.add(new int[] {row, col});
            }
        }
        double[] gram = new double[n * n];
        int[] bounds = new int[pairs.size() + 1];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = i;
        }
        parallel.forBounds(
                bounds,
                (from, to) -> {
                    for (int p = from; p < to; p++) {
                        int[] pair = pairs.get(p);
                        DMatrixRMaj tile =
                                CommonOps_DDRM.mult(rowBlocks[pair[0]], colBlocks[pair[1]], null);
                        place(gram, n, tile, pair[0] * TILE, pair[1] * TILE);
                    }
                });
        return gram;
    }

    private static DMatrixRMaj scaledRows(DenseMatrix a, int from, int to, double scale) {
        int cols = a.cols();
        double[] source = a.backingArray();
        DMatrixRMaj block = new DMatrixRMaj(to - from, cols);
        double[] target = block.data;
        int offset = from * cols;
        for (int i = 0; i < target.length; i++) {
            target[i] = source[offset + i] / scale;
        }
        return block;
    }

    /** Copies a tile to {@code (row0, col0)} and its transpose to {@code (col0, row0)}. */
    private static void place(double[] gram, int n, DMatrixRMaj tile, int row0, int col0) {
        for (int i = 0; i < tile.numRows; i++) {
            for (int j = 0; j < tile.numCols; j++) {
                double value = tile.data[i * tile.numCols + j];
                gram[(row0 + i) * n + col0 + j] = value;
                gram[(col0 + j) * n + row0 + i] = value;
            }
        }
    }
}
