package org.amct.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every writer of the API relies on: a failure at any point (the writer throwing, the disk
 * filling up, a move failing) leaves no temporary file, the old target intact or absent, and for a
 * set of files either all new or all old.
 */
class AtomicFilesTest {
    private static final byte[] OLD = "old content".getBytes(StandardCharsets.UTF_8);

    @TempDir Path folder;

    /** Writes {@code limit} bytes, then fails as a full disk does. */
    private static AtomicFiles.Writer diskFullAfter(int limit) {
        return out -> {
            out.write(new byte[limit]);
            throw new IOException("No space left on device");
        };
    }

    /** Every file in the folder, by name, with its content. */
    private Map<String, String> contents() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                out.put(
                        file.getFileName().toString(),
                        Files.isDirectory(file) ? "<folder>" : Files.readString(file));
            }
        }
        return out;
    }

    @Test
    void aWriterFailingMidwayLeavesTheOldTargetAndNoTemporaryFile() throws IOException {
        Path target = Files.write(folder.resolve("model.onnx"), OLD);
        IOException e =
                assertThrows(
                        IOException.class, () -> AtomicFiles.write(target, diskFullAfter(4096)));
        assertTrue(e.getMessage().contains("model.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertEquals(Map.of("model.onnx", "old content"), contents());
    }

    @Test
    void aWriterFailingOnANewTargetLeavesNothing() throws IOException {
        Path target = folder.resolve("new.safetensors");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, diskFullAfter(10)));
        assertEquals(Map.of(), contents());
    }

    @Test
    void anUncheckedFailureOfTheWriterPassesThroughUnchangedAndCleansUp() throws IOException {
        Path target = Files.write(folder.resolve("model.onnx"), OLD);
        ModelFormatException thrown = new ModelFormatException("bad tensor");
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class,
                        () ->
                                AtomicFiles.write(
                                        target,
                                        out -> {
                                            out.write(1);
                                            throw thrown;
                                        }));
        assertSame(thrown, e);
        assertEquals(Map.of("model.onnx", "old content"), contents());
    }

    @Test
    void aStreamFailingOnCloseCountsAsAFailedWrite() throws IOException {
        Path target = Files.write(folder.resolve("report.json"), OLD);
        AtomicFiles.Writer failsOnClose =
                out -> {
                    OutputStream closing =
                            new java.io.FilterOutputStream(out) {
                                @Override
                                public void close() throws IOException {
                                    throw new IOException("Disk quota exceeded");
                                }
                            };
                    closing.write(42);
                    closing.close();
                };
        assertThrows(IOException.class, () -> AtomicFiles.write(target, failsOnClose));
        assertEquals(Map.of("report.json", "old content"), contents());
    }

    @Test
    void aMissingFolderIsNamed() {
        Path target = folder.resolve("no").resolve("such").resolve("file.json");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {}));
        assertTrue(e.getMessage().contains("file.json"), e.getMessage());
        assertFalse(Files.exists(folder.resolve("no")));
    }

    @Test
    void replacingKeepsThePermissionsOfTheReplacedFile() throws IOException {
        Path target = Files.write(folder.resolve("shared.json"), OLD);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-r--"));
        AtomicFiles.write(target, out -> out.write(1));
        assertEquals(
                "rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        Path fresh = folder.resolve("fresh.json");
        AtomicFiles.write(fresh, out -> out.write(1));
        assertEquals(
                "rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    }

    @Test
    void aBatchFailingOnItsSecondFileChangesNothing() throws IOException {
        Path data = Files.write(folder.resolve("m.onnx.data"), OLD);
        Path model = folder.resolve("m.onnx");
        assertThrows(
                IOException.class,
                () -> {
                    try (AtomicFiles.Batch batch = AtomicFiles.batch()) {
                        batch.write(data, out -> out.write(new byte[100]));
                        batch.write(model, diskFullAfter(50));
                        batch.commit();
                    }
                });
        assertEquals(Map.of("m.onnx.data", "old content"), contents());
    }

    @Test
    void aBatchReplacesEveryFileOnCommit() throws IOException {
        Path data = Files.write(folder.resolve("m.onnx.data"), OLD);
        Path model = folder.resolve("m.onnx");
        try (AtomicFiles.Batch batch = AtomicFiles.batch()) {
            batch.write(data, out -> out.write("new data".getBytes(StandardCharsets.UTF_8)));
            batch.write(model, out -> out.write("new model".getBytes(StandardCharsets.UTF_8)));
            batch.commit();
        }
        assertEquals(Map.of("m.onnx", "new model", "m.onnx.data", "new data"), contents());
    }

    @Test
    void aMoveFailingOnTheThirdOfFourFilesPutsTheFirstTwoBack() throws IOException {
        Path staging = Files.createDirectories(folder.resolve(".staging"));
        Path one = Files.write(folder.resolve("one"), OLD);
        Path two = folder.resolve("two");
        Path three = Files.write(folder.resolve("three"), OLD);
        Path stale = Files.write(folder.resolve("stale"), OLD);
        List<AtomicFiles.Change> changes =
                List.of(
                        AtomicFiles.Change.move(
                                Files.writeString(staging.resolve("one"), "1"), one),
                        AtomicFiles.Change.move(
                                Files.writeString(staging.resolve("two"), "2"), two),
                        AtomicFiles.Change.move(staging.resolve("vanished"), three),
                        AtomicFiles.Change.delete(stale));
        assertThrows(NoSuchFileException.class, () -> AtomicFiles.replaceAll(changes));
        Map<String, String> expected = new TreeMap<>();
        expected.put(".staging", "<folder>");
        expected.put("one", "old content");
        expected.put("three", "old content");
        expected.put("stale", "old content");
        assertEquals(expected, contents(), "no .bak file left, 'two' absent again");
    }

    @Test
    void aFolderInPlaceOfATargetIsRefusedBeforeAnyChange() throws IOException {
        Path staging = Files.createDirectories(folder.resolve(".staging"));
        Path one = Files.write(folder.resolve("one"), OLD);
        Files.createDirectories(folder.resolve("two").resolve("x"));
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                AtomicFiles.replaceAll(
                                        List.of(
                                                AtomicFiles.Change.move(
                                                        Files.writeString(
                                                                staging.resolve("one"), "1"),
                                                        one),
                                                AtomicFiles.Change.move(
                                                        Files.writeString(
                                                                staging.resolve("two"), "2"),
                                                        folder.resolve("two")))));
        assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
        assertArrayEquals(OLD, Files.readAllBytes(one));
    }

    @Test
    void aFullDiskLeavesTheOldTargetAndNoTemporaryFile() throws Exception {
        Path mountPoint = Files.createDirectories(folder.resolve("tiny"));
        TinyFileSystem tiny;
        try {
            tiny = TinyFileSystem.mount(mountPoint, 64 * 1024);
        } catch (IOException e) {
            assumeTrue(false, "No tmpfs can be mounted here, so no full disk: " + e.getMessage());
            return;
        }
        try (tiny) {
            Path target = Files.write(mountPoint.resolve("weights.safetensors"), OLD);
            Tensor big = Tensor.ofFloats(new int[] {64, 1024}, new float[64 * 1024]);
            IOException e =
                    assertThrows(
                            IOException.class,
                            () -> Safetensors.write(target, Map.of("w", big), Map.of()));
            assertTrue(e.getMessage().contains("weights.safetensors"), e.getMessage());
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            try (Stream<Path> files = Files.list(mountPoint)) {
                assertEquals(Set.of(target), Set.copyOf(files.toList()));
            }
            assertArrayEquals(OLD, Files.readAllBytes(target));
        }
    }
}
