package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.amct.api.exception.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs of a file through windows of a small stride: inside a window, across a window's end (a map
 * of its own), at the end of the file; mapped or read into the heap, the bytes are the file's.
 */
class MappedFilesTest {
    private static final int STRIDE = 1024;
    private static final int SIZE = 10 * STRIDE + 77;

    @TempDir Path folder;

    private Path file(byte[] content) throws IOException {
        return Files.write(folder.resolve("data.bin"), content).toRealPath();
    }

    private static byte[] content() {
        byte[] bytes = new byte[SIZE];
        new SplittableRandom(5).nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    void everyRunHasTheFilesBytesMappedOrNot() throws IOException {
        byte[] content = content();
        Path file = file(content);
        long[][] runs = {
            {0, 10}, // start of window 0
            {1000, 1500}, // inside window 0 (which spans 2 * STRIDE - 1 bytes)
            {1023, 1024}, // the longest run that always fits its window
            {2000, 1500}, // crosses the end of window 1: a map of its own
            {5 * STRIDE, 2 * STRIDE - 1}, // exactly window 5
            {SIZE - 100, 100}, // up to the end of the file, in the last window
            {0, SIZE}, // the whole file, across every window
            {SIZE, 0} // empty, at the end
        };
        for (boolean map : new boolean[] {true, false}) {
            MappedFiles files = new MappedFiles(STRIDE, () -> Long.MAX_VALUE, map);
            assertEquals(SIZE, files.size(file));
            for (long[] run : runs) {
                ByteBuffer slice = files.slice(file, run[0], run[1], "test");
                String what = (map ? "mapped " : "heap ") + Arrays.toString(run);
                assertEquals(0, slice.position(), what);
                assertEquals(ByteOrder.LITTLE_ENDIAN, slice.order(), what);
                assertTrue(slice.isReadOnly(), what);
                assertEquals(map && run[1] > 0, slice.isDirect(), what);
                assertArrayEquals(
                        Arrays.copyOfRange(content, (int) run[0], (int) (run[0] + run[1])),
                        bytes(slice),
                        what);
                assertThrows(
                        ReadOnlyBufferException.class, () -> slice.duplicate().put(0, (byte) 1));
            }
        }
    }

    @Test
    void aRunBeyondTheEndIsRefusedNamingTheFile() throws IOException {
        Path file = file(content());
        MappedFiles files = new MappedFiles(STRIDE, () -> Long.MAX_VALUE, true);
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class,
                        () -> files.slice(file, SIZE - 10, 11, "ONNX file 'm.onnx', tensor 'w'"));
        assertTrue(e.getMessage().startsWith("ONNX file 'm.onnx', tensor 'w': "), e.getMessage());
        assertTrue(e.getMessage().contains("data.bin"), e.getMessage());
        assertTrue(e.getMessage().contains(SIZE + " bytes"), e.getMessage());
    }

    @Test
    void aHeapReadThatWouldNotFitIsRefusedBeforeAllocation() throws IOException {
        Path file = file(content());
        MappedFiles files = new MappedFiles(STRIDE, () -> 100, false);
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class,
                        () -> files.slice(file, 0, 1000, "ONNX file 'm.onnx', tensor 'w'"));
        assertTrue(e.getMessage().contains("reading its external data"), e.getMessage());
        assertTrue(e.getMessage().contains("AMCT_JAVA_OPTS"), e.getMessage());
        assertFalse(files.maps());
    }

    @Test
    void aWholeFileIsMappedReadOnly() throws IOException {
        byte[] content = content();
        Path file = file(content);
        ByteBuffer whole = MappedFiles.whole(file, SIZE, "Reading", () -> 0, true);
        assertTrue(whole.isDirect());
        assertTrue(whole.isReadOnly());
        assertArrayEquals(content, bytes(whole));
        // The heap path is refused when the file does not fit, and reads it when it does.
        assertThrows(
                ModelFormatException.class,
                () -> MappedFiles.whole(file, SIZE, "Reading", () -> SIZE - 1, false));
        assertArrayEquals(
                content, bytes(MappedFiles.whole(file, SIZE, "Reading", () -> SIZE, false)));
        assertArrayEquals(content, Files.readAllBytes(file), "the file is unchanged");
    }
}
