package org.amct.api.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir Path temp;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        double[] values = {1.5, -2.25, 65504.0, 1e-3, 0.0, -0.0};
        for (DType dtype :
                new DType[] {DType.FLOAT16, DType.BFLOAT16, DType.FLOAT32, DType.FLOAT64}) {
            tensors.put(
                    "conv." + dtype.name().toLowerCase() + ".weight",
                    Tensor.fromDoubles(dtype, new int[] {2, 3}, values));
        }
        tensors.put(
                "counter",
                Tensor.wrap(
                        DType.INT64,
                        new int[] {1},
                        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 42)));
        return tensors;
    }

    @Test
    void roundTripsEveryDtypeAndTheUsersMetadata() throws IOException {
        Path file = temp.resolve("w.safetensors");
        Map<String, Tensor> tensors = sample();
        Safetensors.write(file, tensors, Map.of("format", "pt", "epoch", "3"));
        WeightsFile read = Safetensors.read(file);
        assertEquals(tensors, read.tensors());
        assertEquals(Map.of("format", "pt", "epoch", "3"), read.metadata());
        assertEquals(42.0, read.tensors().get("counter").getDouble(0));
        long headerLength =
                ByteBuffer.wrap(Files.readAllBytes(file), 0, 8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getLong();
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
    }

    @Test
    void theSameContentGivesTheSameBytesWhateverTheMetadataMapsOrder() throws IOException {
        Map<String, String> one = new java.util.LinkedHashMap<>();
        one.put("source", "m.onnx");
        one.put("format", "pt");
        Map<String, String> other = new java.util.LinkedHashMap<>();
        other.put("format", "pt");
        other.put("source", "m.onnx");
        Path a = temp.resolve("a.safetensors");
        Path b = temp.resolve("b.safetensors");
        Safetensors.write(a, sample(), one);
        Safetensors.write(b, sample(), other);
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                Files.readAllBytes(a), Files.readAllBytes(b));
        String header = new String(Files.readAllBytes(a), 8, 64, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\",\"source\""), header);
    }

    @Test
    void halfPrecisionClampsInsteadOfOverflowing() {
        Tensor t =
                Tensor.fromDoubles(DType.FLOAT16, new int[] {3}, new double[] {1e6, -1e6, 65519});
        assertArrayEquals(new double[] {65504, -65504, 65504}, t.toDoubles());
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = temp.resolve("bad.safetensors");
        Files.write(file, bytes);
        return file;
    }

    private static byte[] file(String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out =
                ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json);
        return out.array();
    }

    private void assertRejected(byte[] bytes, String expected) throws IOException {
        Path file = write(bytes);
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void rejectsAFileTooShortForTheLength() throws IOException {
        assertRejected(new byte[] {1, 2, 3}, "too short");
    }

    @Test
    void rejectsAHeaderLongerThanTheFile() throws IOException {
        byte[] bytes = file("{}", 0);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertRejected(bytes, "declares a header of");
    }

    @Test
    void rejectsAHugeTensorDeclaredInATinyFileBeforeAllocating() throws IOException {
        assertRejected(
                file(
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,4000000000000]}}",
                        0),
                "tensor 'w'");
    }

    @Test
    void rejectsOffsetsThatDoNotTileTheData() throws IOException {
        assertRejected(
                file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8),
                "data_offsets [0, 4] do not fit");
    }

    @Test
    void rejectsATruncatedDataSection() throws IOException {
        assertRejected(
                file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
                "truncated");
    }

    @Test
    void rejectsAnUnknownDtype() throws IOException {
        assertRejected(
                file("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2),
                "unsupported dtype 'F8_E4M3'");
    }

    @Test
    void rejectsZeroAndNegativeDimensions() throws IOException {
        assertRejected(
                file("{\"w\":{\"dtype\":\"F32\",\"shape\":[0,2],\"data_offsets\":[0,0]}}", 0),
                "dimension 0");
        assertRejected(
                file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
                "dimension -1");
    }

    @Test
    void rejectsDuplicateNamesAndBadJson() throws IOException {
        assertRejected(
                file(
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                        8),
                "Duplicate field 'w'");
        assertRejected(file("{\"w\": [", 0), "not valid JSON");
    }

    @Test
    void rejectsUnknownFieldsAndNonStringMetadata() throws IOException {
        assertRejected(
                file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4),
                "unknown field 'x'");
        assertRejected(file("{\"__metadata__\":{\"a\":1}}", 0), "must be a string");
    }
}
