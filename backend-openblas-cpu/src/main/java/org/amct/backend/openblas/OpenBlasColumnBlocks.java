package org.amct.backend.openblas;

import static org.bytedeco.openblas.global.openblas.cblas_dscal;

import java.nio.DoubleBuffer;
import org.amct.spi.MatrixSource;
import org.bytedeco.javacpp.DoublePointer;

/**
 * Streams the input matrix {@code A} ({@code rows x cols}, a {@link MatrixSource}: a heap array or
 * the API's view of a weight tensor) to native code a block of columns at a time, scaled by a power
 * of two, so that the whole matrix is never copied at once: the source writes each block straight
 * into the native buffer (through a direct {@link DoubleBuffer} over it), with no staging copy on
 * the Java heap. A loaded block of {@code w} columns is the row-major {@code rows x w} submatrix,
 * which BLAS reads as the column-major {@code w x rows} matrix {@code A_block^T} with leading
 * dimension {@code w}.
 *
 * <p>The native buffer holds {@code rows * width()} doubles, about {@value #BLOCK_ELEMENTS} (32
 * MiB) but never fewer than {@value #MIN_WIDTH} columns nor more than {@code cols}. {@code A} is
 * only read. Not thread-safe; close it to free the buffer.
 */
final class OpenBlasColumnBlocks implements AutoCloseable {
    /** The target size of a block, in doubles. */
    static final long BLOCK_ELEMENTS = 1L << 22;

    /** The fewest columns in a block, so that each BLAS call has enough work. */
    static final int MIN_WIDTH = 64;

    private final MatrixSource source;
    private final int rows;
    private final int cols;
    private final int width;
    private final double scale;
    private final DoublePointer buffer;
    private final DoubleBuffer view;

    /**
     * Prepares to stream {@code a}.
     *
     * @param a the matrix, not modified
     * @param scale the factor every element is multiplied by, a power of two so that it is exact
     */
    OpenBlasColumnBlocks(MatrixSource a, double scale) {
        this.source = a;
        this.rows = a.rows();
        this.cols = a.cols();
        this.width = width(rows, cols);
        this.scale = scale;
        this.buffer = OpenBlasBuffers.allocate(Math.multiplyExact(rows, width));
        this.view = buffer.asBuffer();
    }

    /**
     * The number of columns in a full block.
     *
     * @param rows the rows of the matrix
     * @param cols its columns
     * @return {@code min(cols, max(MIN_WIDTH, BLOCK_ELEMENTS / rows))}
     */
    static int width(int rows, int cols) {
        long fit = BLOCK_ELEMENTS / Math.max(1, rows);
        return (int) Math.min(cols, Math.max(MIN_WIDTH, fit));
    }

    /**
     * The number of columns in a full block.
     *
     * @return the block width
     */
    int width() {
        return width;
    }

    /**
     * The number of blocks.
     *
     * @return {@code ceil(cols / width())}
     */
    int count() {
        return (cols + width - 1) / width;
    }

    /**
     * The first column of a block.
     *
     * @param block the block index, {@code 0 <= block < count()}
     * @return its first column in {@code A}
     */
    int firstColumn(int block) {
        return block * width;
    }

    /**
     * The number of columns of a block: {@link #width()}, or fewer for the last one.
     *
     * @param block the block index
     * @return its column count
     */
    int columns(int block) {
        return Math.min(width, cols - firstColumn(block));
    }

    /**
     * Copies a block into the native buffer and scales it (unless the scale is 1).
     *
     * @param block the block index
     * @return the buffer, holding the block as a column-major {@code columns(block) x rows} matrix
     *     with leading dimension {@code columns(block)}; valid until the next call
     */
    DoublePointer load(int block) {
        int first = firstColumn(block);
        int columns = columns(block);
        source.readColumns(first, columns, view);
        if (scale != 1.0) {
            cblas_dscal(rows * columns, scale, buffer, 1);
        }
        return buffer;
    }

    /** Frees the native buffer. */
    @Override
    public void close() {
        buffer.close();
    }
}
