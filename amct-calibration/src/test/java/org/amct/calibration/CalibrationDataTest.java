package org.amct.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading, checking, casting and streaming calibration samples from {@code .npy} files. */
class CalibrationDataTest {
    private static final ModelInput IMAGE =
            new ModelInput("input", new long[] {-1, 3, 4, 5}, DType.FLOAT32);
    private static final int SAMPLE = 3 * 4 * 5;

    @TempDir Path folder;

    private static List<double[]> read(CalibrationData data, String input) {
        List<double[]> batches = new ArrayList<>();
        for (Map<String, Tensor> batch : data) {
            batches.add(batch.get(input).toDoubles());
        }
        return batches;
    }

    @ParameterizedTest
    @ValueSource(strings = {"<f4", "<f8", "|u1", ">f4", ">f8"})
    void everyDtypeAndByteOrderIsCastToTheInputType(String descr) throws IOException {
        double[] values = NpyFiles.pixels(7 * SAMPLE, 1);
        Path file = NpyFiles.write(folder.resolve("x.npy"), descr, new long[] {7, 3, 4, 5}, values);
        CalibrationData data = CalibrationData.open(List.of(file.toString()), List.of(IMAGE), 0);
        assertEquals(7, data.sampleCount());
        Map<String, Tensor> batch = data.iterator().next();
        Tensor tensor = batch.get("input");
        assertEquals(DType.FLOAT32, tensor.dtype());
        assertArrayEquals(new int[] {7, 3, 4, 5}, tensor.shape());
        assertArrayEquals(values, tensor.toDoubles(), 0.0);
    }

    @Test
    void versionTwoHeadersAndFloat64InputsAreRead() throws IOException {
        double[] values = NpyFiles.pixels(2 * SAMPLE, 2);
        Path file =
                NpyFiles.write(
                        folder.resolve("v2.npy"), "<f4", new long[] {2, 3, 4, 5}, values, 2, false);
        ModelInput f64 = new ModelInput("input", new long[] {-1, 3, 4, 5}, DType.FLOAT64);
        CalibrationData data = CalibrationData.open(List.of(file.toString()), List.of(f64), 0);
        Tensor tensor = data.iterator().next().get("input");
        assertEquals(DType.FLOAT64, tensor.dtype());
        assertArrayEquals(values, tensor.toDoubles(), 0.0);
    }

    @Test
    void aWrongShapeNamesTheFileTheExpectedAndTheActualShape() throws IOException {
        Path file =
                NpyFiles.write(
                        folder.resolve("small.npy"),
                        "<f4",
                        new long[] {2, 3, 4, 4},
                        new double[2 * 3 * 4 * 4]);
        CalibrationDataException e =
                assertThrows(
                        CalibrationDataException.class,
                        () -> CalibrationData.open(List.of(file.toString()), List.of(IMAGE), 0));
        assertTrue(e.getMessage().contains("small.npy"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 3, 4, 4]"), e.getMessage());
        assertTrue(e.getMessage().contains("'input' takes [N, 3, 4, 5]"), e.getMessage());
        assertTrue(e.getMessage().contains("expected [samples, 3, 4, 5]"), e.getMessage());
    }

    @Test
    void aFileWithoutTheBatchAxisIsRefusedOutsideAFolder() throws IOException {
        Path file =
                NpyFiles.write(
                        folder.resolve("one.npy"), "<f4", new long[] {3, 4, 5}, new double[SAMPLE]);
        CalibrationDataException e =
                assertThrows(
                        CalibrationDataException.class,
                        () -> CalibrationData.open(List.of(file.toString()), List.of(IMAGE), 0));
        assertTrue(e.getMessage().contains("[3, 4, 5]"), e.getMessage());
    }

    @Test
    void aFolderMixesSingleSamplesAndBatchesInNameOrder() throws IOException {
        Path dir = Files.createDirectory(folder.resolve("samples"));
        double[] a = NpyFiles.pixels(SAMPLE, 3);
        double[] b = NpyFiles.pixels(20 * SAMPLE, 4);
        NpyFiles.write(dir.resolve("a.npy"), "|u1", new long[] {3, 4, 5}, a);
        NpyFiles.write(dir.resolve("b.npy"), "<f8", new long[] {20, 3, 4, 5}, b);
        Files.writeString(dir.resolve("notes.txt"), "not an array");
        CalibrationData data = CalibrationData.open(List.of(dir.toString()), List.of(IMAGE), 0);
        assertEquals(21, data.sampleCount());
        assertEquals(CalibrationData.DEFAULT_BATCH, data.batchSize());
        List<double[]> batches = read(data, "input");
        assertEquals(2, batches.size());
        assertEquals(16 * SAMPLE, batches.get(0).length);
        assertEquals(5 * SAMPLE, batches.get(1).length);
        double[] all = new double[21 * SAMPLE];
        System.arraycopy(batches.get(0), 0, all, 0, 16 * SAMPLE);
        System.arraycopy(batches.get(1), 0, all, 16 * SAMPLE, 5 * SAMPLE);
        double[] want = new double[21 * SAMPLE];
        System.arraycopy(a, 0, want, 0, SAMPLE);
        System.arraycopy(b, 0, want, SAMPLE, 20 * SAMPLE);
        assertArrayEquals(want, all, 0.0);
    }

    @Test
    void theSampleLimitAndAFixedBatchDimensionAreHonoured() throws IOException {
        Path file =
                NpyFiles.write(
                        folder.resolve("x.npy"),
                        "<f4",
                        new long[] {10, 3, 4, 5},
                        NpyFiles.pixels(10 * SAMPLE, 5));
        CalibrationData limited = CalibrationData.open(List.of(file.toString()), List.of(IMAGE), 3);
        assertEquals(3, limited.sampleCount());
        assertEquals(1, read(limited, "input").size());
        ModelInput fixed = new ModelInput("input", new long[] {4, 3, 4, 5}, DType.FLOAT32);
        CalibrationData batched = CalibrationData.open(List.of(file.toString()), List.of(fixed), 0);
        assertEquals(4, batched.batchSize());
        List<double[]> batches = read(batched, "input");
        assertEquals(2, batches.size(), "the last 2 samples do not fill a batch of 4");
    }

    @Test
    void batchesAreReadFromDiskOnlyWhenReached() throws IOException {
        // 40 samples in batches of 16: rewrite the file's last samples after the first batch was
        // read; the later batches must see the new bytes, so nothing beyond a batch was held.
        Path file =
                NpyFiles.write(
                        folder.resolve("x.npy"),
                        "|u1",
                        new long[] {40, 3, 4, 5},
                        new double[40 * SAMPLE]);
        CalibrationData data = CalibrationData.open(List.of(file.toString()), List.of(IMAGE), 0);
        Iterator<Map<String, Tensor>> batches = data.iterator();
        double[] first = batches.next().get("input").toDoubles();
        assertEquals(0.0, first[first.length - 1]);
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            byte[] sevens = new byte[24 * SAMPLE];
            java.util.Arrays.fill(sevens, (byte) 7);
            channel.write(ByteBuffer.wrap(sevens), size - sevens.length);
        }
        assertTrue(batches.next().get("input").toDoubles()[0] == 7.0);
        assertTrue(batches.next().get("input").toDoubles()[0] == 7.0);
        assertTrue(!batches.hasNext());
    }

    @Test
    void severalInputsTakeNameEqualsPathAndMustAgreeOnTheSampleCount() throws IOException {
        ModelInput mask = new ModelInput("mask", new long[] {-1, 2}, DType.FLOAT32);
        Path images =
                NpyFiles.write(
                        folder.resolve("img.npy"),
                        "<f4",
                        new long[] {3, 3, 4, 5},
                        new double[3 * SAMPLE]);
        Path masks =
                NpyFiles.write(folder.resolve("mask.npy"), "<f4", new long[] {3, 2}, new double[6]);
        Path fewer =
                NpyFiles.write(folder.resolve("few.npy"), "<f4", new long[] {2, 2}, new double[4]);
        CalibrationData data =
                CalibrationData.open(
                        List.of("input=" + images, "mask=" + masks), List.of(IMAGE, mask), 0);
        Map<String, Tensor> batch = data.iterator().next();
        assertEquals(List.of("input", "mask"), List.copyOf(batch.keySet()));
        assertArrayEquals(new int[] {3, 2}, batch.get("mask").shape());
        CalibrationDataException bare =
                assertThrows(
                        CalibrationDataException.class,
                        () ->
                                CalibrationData.open(
                                        List.of(images.toString()), List.of(IMAGE, mask), 0));
        assertTrue(bare.getMessage().contains("NAME=PATH"), bare.getMessage());
        CalibrationDataException unknown =
                assertThrows(
                        CalibrationDataException.class,
                        () ->
                                CalibrationData.open(
                                        List.of("input=" + images, "nmask=" + masks),
                                        List.of(IMAGE, mask),
                                        0));
        assertTrue(unknown.getMessage().contains("'nmask'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("input, mask"), unknown.getMessage());
        CalibrationDataException missing =
                assertThrows(
                        CalibrationDataException.class,
                        () ->
                                CalibrationData.open(
                                        List.of("input=" + images), List.of(IMAGE, mask), 0));
        assertTrue(missing.getMessage().contains("'mask'"), missing.getMessage());
        CalibrationDataException counts =
                assertThrows(
                        CalibrationDataException.class,
                        () ->
                                CalibrationData.open(
                                        List.of("input=" + images, "mask=" + fewer),
                                        List.of(IMAGE, mask),
                                        0));
        assertTrue(counts.getMessage().contains("input=3"), counts.getMessage());
        assertTrue(counts.getMessage().contains("mask=2"), counts.getMessage());
    }

    @Test
    void unusableFilesSayWhy() throws IOException {
        Path text = Files.writeString(folder.resolve("t.npy"), "hello, not numpy");
        assertMessage(text, "magic");
        Path ints =
                NpyFiles.write(
                        folder.resolve("i.npy"),
                        "<i4",
                        new long[] {1, 3, 4, 5},
                        new double[SAMPLE]);
        assertMessage(ints, "dtype '<i4' is not supported");
        Path fortran =
                NpyFiles.write(
                        folder.resolve("f.npy"),
                        "<f4",
                        new long[] {1, 3, 4, 5},
                        new double[SAMPLE],
                        1,
                        true);
        assertMessage(fortran, "Fortran order");
        Path whole =
                NpyFiles.write(
                        folder.resolve("cut.npy"),
                        "<f4",
                        new long[] {2, 3, 4, 5},
                        new double[2 * SAMPLE]);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut =
                Files.write(
                        folder.resolve("cut.npy"),
                        java.util.Arrays.copyOf(bytes, bytes.length - 9));
        assertMessage(cut, "copied completely");
        ModelInput uint8 = new ModelInput("input", new long[] {-1, 3, 4, 5}, DType.UINT8);
        Path floats =
                NpyFiles.write(
                        folder.resolve("fl.npy"),
                        "<f4",
                        new long[] {1, 3, 4, 5},
                        new double[SAMPLE]);
        CalibrationDataException e =
                assertThrows(
                        CalibrationDataException.class,
                        () -> CalibrationData.open(List.of(floats.toString()), List.of(uint8), 0));
        assertTrue(e.getMessage().contains("save the data as uint8"), e.getMessage());
    }

    private void assertMessage(Path file, String part) {
        CalibrationDataException e =
                assertThrows(
                        CalibrationDataException.class,
                        () -> CalibrationData.open(List.of(file.toString()), List.of(IMAGE), 0));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
