package org.amct.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.io.HeapShortage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tensor bytes read from files by memory-mapping them read-only ({@link
 * FileChannel.MapMode#READ_ONLY}), so that a model's tensor data lives in the operating system's
 * page cache, read from disk when a layer touches it, and never in the Java heap: a model may be
 * far larger than the heap as long as each layer's own work fits.
 *
 * <p>A file is mapped in windows: window {@code k} starts at byte {@code k * stride} and spans up
 * to {@code 2 * stride - 1} bytes (one Java buffer holds at most 2 GiB), so every run of at most
 * {@code stride} bytes lies inside one window and files of any size are covered by several maps. A
 * run that crosses the end of its window (only possible when it is longer than the stride) gets a
 * map of its own. Windows are mapped when first used and unmapped by the garbage collector once no
 * tensor refers to them; closing the file channel after mapping does not end a map.
 *
 * <p>Where a file system cannot map files, the bytes are read into the heap instead, refused with
 * the heap needed when they would not fit. A mapped input must not be changed in place while it is
 * read (replacing it by a rename, as amct's own writes do, is safe: the map keeps the old file).
 * Not thread-safe: one instance serves one read or one write; the buffers it returns are read-only
 * and may be shared.
 */
final class MappedFiles {
    private static final Logger LOG = LoggerFactory.getLogger(MappedFiles.class);

    /** The distance between window starts: 1 GiB, so that a window is at most 2 GiB - 1. */
    static final long STRIDE = 1L << 30;

    private final long stride;
    private final LongSupplier availableHeap;
    private final Map<Path, Windows> files = new HashMap<>();

    private final boolean map;

    /** Maps in windows of the default stride, checking heap fallbacks against the real heap. */
    MappedFiles() {
        this(STRIDE, HeapShortage::available, true);
    }

    /**
     * Maps in windows of {@code stride} bytes (smaller ones let tests cross window ends), or reads
     * into the heap.
     *
     * @param stride the distance between window starts, 1 to {@link #STRIDE}
     * @param availableHeap the heap a read into the heap may take
     * @param map whether to map at all ({@code false}: every run is read into the heap, as where
     *     the file system cannot map)
     */
    MappedFiles(long stride, LongSupplier availableHeap, boolean map) {
        if (stride < 1 || stride > STRIDE) {
            throw new IllegalArgumentException("stride " + stride + " is not in 1.." + STRIDE);
        }
        this.stride = stride;
        this.availableHeap = availableHeap;
        this.map = map;
    }

    /**
     * Whether this instance maps files (else it reads them into the heap).
     *
     * @return the choice it was made with
     */
    boolean maps() {
        return map;
    }

    /**
     * The size of a file, as this instance maps it (read once per file).
     *
     * @param file the file's real path
     * @return its size in bytes
     * @throws IOException if the file cannot be opened
     */
    long size(Path file) throws IOException {
        return windows(file).size;
    }

    /**
     * A run of bytes of a file.
     *
     * @param file the file's real path
     * @param offset the first byte, {@code >= 0}
     * @param length the number of bytes, at most {@link TensorCodec#MAX_BUFFER_BYTES}; {@code
     *     offset + length} at most {@link #size}
     * @param where names the model and tensor, for messages
     * @return a read-only little-endian buffer of {@code length} bytes, positioned at 0
     * @throws IOException if the file cannot be mapped or read
     * @throws ModelFormatException if the file is now shorter than the run, or (when the bytes are
     *     read into the heap) the heap cannot hold them
     */
    ByteBuffer slice(Path file, long offset, long length, String where) throws IOException {
        Windows windows = windows(file);
        if (offset < 0 || length < 0 || length > TensorCodec.MAX_BUFFER_BYTES) {
            throw new IllegalArgumentException(
                    "bytes " + offset + " +" + length + " of '" + file + "'");
        }
        if (offset > windows.size || length > windows.size - offset) {
            throw shorter(file, offset, length, windows.size, where);
        }
        if (length == 0) {
            return ByteBuffer.allocate(0).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        int k = (int) (offset / stride);
        long start = k * stride;
        long span = Math.min(windows.size - start, 2 * stride - 1);
        ByteBuffer data = null;
        if (windows.mappable && offset - start + length <= span) {
            ByteBuffer window = windows.maps.get(k);
            if (window == null) {
                window = map(windows, file, start, span, where);
                if (window != null) {
                    windows.maps.put(k, window);
                }
            }
            if (window != null) {
                data = window.slice((int) (offset - start), (int) length);
            }
        } else if (windows.mappable) {
            data = map(windows, file, offset, length, where);
        }
        if (data == null) {
            data = read(file, offset, length, where);
        }
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private Windows windows(Path file) throws IOException {
        Windows windows = files.get(file);
        if (windows == null) {
            long size;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                size = channel.size();
            }
            windows = new Windows(size);
            windows.mappable = map;
            files.put(file, windows);
        }
        return windows;
    }

    /**
     * Maps {@code [offset, offset + length)} of the file; {@code null} (and no more tries for this
     * file) where its file system cannot map files.
     */
    private static ByteBuffer map(
            Windows windows, Path file, long offset, long length, String where) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (offset > size || length > size - offset) {
                throw shorter(file, offset, length, size, where);
            }
            try {
                return channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("Cannot map '{}' ({}): reading it into the heap", file, e.toString());
                windows.mappable = false;
                return null;
            }
        }
    }

    /**
     * A whole model file, mapped (or read into the heap where maps fail).
     *
     * @param file the file
     * @param size its size, at most {@link TensorCodec#MAX_BUFFER_BYTES}
     * @param doing what reads it, for a heap refusal (for example {@code "Reading ONNX file 'm'"})
     * @param availableHeap the heap a read into the heap may take
     * @param map whether to try mapping first
     * @return the content, positioned at 0; a heap read is backed by an accessible array
     * @throws IOException if the file cannot be read
     * @throws ModelFormatException if the file is read into the heap and does not fit
     */
    static ByteBuffer whole(
            Path file, long size, String doing, LongSupplier availableHeap, boolean map)
            throws IOException {
        if (map) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                try {
                    return channel.map(
                            FileChannel.MapMode.READ_ONLY, 0, Math.min(size, channel.size()));
                } catch (IOException | UnsupportedOperationException e) {
                    LOG.debug("Cannot map '{}' ({}): reading it into the heap", file, e.toString());
                }
            }
        }
        long available = availableHeap.getAsLong();
        if (size > available) {
            throw new ModelFormatException(HeapShortage.refused(doing, size, available));
        }
        return ByteBuffer.wrap(Files.readAllBytes(file));
    }

    /** Reads {@code [offset, offset + length)} into the heap, refused when it would not fit. */
    private ByteBuffer read(Path file, long offset, long length, String where) throws IOException {
        long available = availableHeap.getAsLong();
        if (length > available) {
            throw new ModelFormatException(
                    HeapShortage.refused(where + ": reading its external data", length, available));
        }
        ByteBuffer data = ByteBuffer.allocate((int) length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long at = offset;
            while (data.hasRemaining()) {
                int read = channel.read(data, at);
                if (read < 0) {
                    throw new ModelFormatException(where + ": '" + file + "' ended early");
                }
                at += read;
            }
        }
        return data.flip();
    }

    private static ModelFormatException shorter(
            Path file, long offset, long length, long size, String where) {
        return new ModelFormatException(
                where
                        + ": needs bytes "
                        + offset
                        + " to "
                        + (offset > Long.MAX_VALUE - length
                                ? "beyond 2^63"
                                : Long.toString(offset + length))
                        + " of '"
                        + file
                        + "' but the file has "
                        + size
                        + " bytes. Was it changed while amct read it?");
    }

    /** The maps of one file, by window number. */
    private static final class Windows {
        final long size;
        final Map<Integer, ByteBuffer> maps = new HashMap<>();
        boolean mappable = true;

        Windows(long size) {
            this.size = size;
        }
    }
}
