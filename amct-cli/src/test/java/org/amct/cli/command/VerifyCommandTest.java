package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code amct verify} and the calibration options of {@code decompose}, with their exit codes. */
class VerifyCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path shared;
    @TempDir Path folder;

    static Path images;

    @BeforeAll
    static void data() throws IOException {
        images = npy(shared.resolve("images.npy"), new long[] {6, 3, 32, 32}, 1);
    }

    /** A float32 .npy file of smooth images with noise. */
    static Path npy(Path file, long[] shape, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int count = 1;
        for (long dim : shape) {
            count *= (int) dim;
        }
        StringBuilder dims = new StringBuilder();
        for (long dim : shape) {
            dims.append(dim).append(", ");
        }
        String dict =
                "{'descr': '<f4', 'fortran_order': False, 'shape': ("
                        + dims.substring(0, dims.length() - 2)
                        + "), }";
        StringBuilder header = new StringBuilder(dict);
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer out =
                ByteBuffer.allocate(10 + header.length() + 4 * count)
                        .order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.putShort((short) header.length());
        out.put(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < count; i++) {
            out.putFloat((float) (Math.sin(i * 0.01) + 0.3 * random.nextGaussian()));
        }
        return Files.write(file, out.array());
    }

    @Test
    void aModelAgreesWithItself() {
        CliRun run =
                CliRun.of(
                        "verify",
                        CliRun.EXAMPLE.toString(),
                        CliRun.EXAMPLE.toString(),
                        "--inputs",
                        images.toString(),
                        "--min-cosine",
                        "0.999",
                        "--runs",
                        "2",
                        "--threads",
                        "1");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("Fidelity on 6 samples"), run.toString());
        assertTrue(run.out().contains("logits"), run.toString());
        assertTrue(run.out().contains("1.000000"), run.toString());
        assertTrue(run.out().contains("100.0%"), run.toString());
        assertTrue(run.out().contains("median of 2 runs"), run.toString());
    }

    @Test
    void verifyAsJson() throws IOException {
        CliRun run =
                CliRun.of(
                        "verify",
                        CliRun.EXAMPLE.toString(),
                        CliRun.EXAMPLE.toString(),
                        "--inputs",
                        images.toString(),
                        "--samples",
                        "2",
                        "--runs",
                        "1",
                        "--json");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode root = JSON.readTree(run.out());
        assertEquals(2, root.get("samples").asInt());
        assertEquals("logits", root.get("outputs").get(0).get("name").asText());
        assertEquals(1.0, root.get("outputs").get(0).get("top1_agreement").asDouble());
        assertTrue(root.get("inference").get("original_ms").asDouble() > 0);
    }

    @Test
    void decomposeWithCalibrationAndVerifyReportsFidelityAndExitsSixBelowTheMinimum()
            throws IOException {
        Path out = folder.resolve("out");
        CliRun run =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--backend",
                        "ejml",
                        "--threads",
                        "1",
                        "--calibration",
                        images.toString(),
                        "--calibration-samples",
                        "4",
                        "--verify",
                        images.toString(),
                        "--report-html",
                        "--min-cosine",
                        "0.99999999");
        assertEquals(6, run.exitCode(), run.toString());
        assertTrue(
                run.err().contains("output 'logits': mean cosine")
                        && run.err().contains("is below --min-cosine 0.99999999"),
                run.toString());
        assertTrue(
                run.err().contains("Calibration: input-patch statistics of 4 layers from 4"),
                run.toString());
        // The outputs are written all the same, with the fidelity in the report.
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertEquals("data-aware", report.get("factors").asText());
        JsonNode fidelity = report.get("fidelity");
        assertEquals(4, fidelity.get("samples").asInt());
        assertEquals(false, fidelity.get("passed").asBoolean());
        assertTrue(fidelity.get("outputs").get(0).get("mean_cosine").asDouble() < 0.99999999);
        assertTrue(Files.exists(out.resolve("tiny_resnet_decomposed.onnx")));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<h2>Fidelity in ONNX Runtime</h2>"), html);
        assertTrue(html.indexOf("Fidelity in ONNX Runtime") < html.lastIndexOf("</body>"));
    }

    @Test
    void decomposeWithoutCalibrationKeepsWeightSpaceFactorsAndTheReportUnchanged()
            throws IOException {
        Path out = folder.resolve("plain");
        CliRun run =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        out.toString(),
                        "--backend",
                        "ejml");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertTrue(
                report.get("factors") == null && report.get("fidelity") == null, report.toString());
    }

    @Test
    void calibrationDataOfTheWrongShapeExitsThreeNamingTheFile() throws IOException {
        Path wrong = npy(folder.resolve("wrong.npy"), new long[] {2, 3, 28, 28}, 2);
        CliRun run =
                CliRun.of(
                        "verify",
                        CliRun.EXAMPLE.toString(),
                        CliRun.EXAMPLE.toString(),
                        "--inputs",
                        wrong.toString());
        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.err().contains("wrong.npy' has shape [2, 3, 28, 28]"), run.toString());
        assertTrue(run.err().contains("takes [1, 3, 32, 32]"), run.toString());
        CliRun decompose =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        folder.resolve("o").toString(),
                        "--calibration",
                        wrong.toString());
        assertEquals(3, decompose.exitCode(), decompose.toString());
        assertTrue(!Files.exists(folder.resolve("o").resolve("report.json")));
    }

    @Test
    void badOptionsAreUsageErrors() {
        CliRun cosine =
                CliRun.of(
                        "verify",
                        CliRun.EXAMPLE.toString(),
                        CliRun.EXAMPLE.toString(),
                        "--inputs",
                        images.toString(),
                        "--min-cosine",
                        "1.5");
        assertEquals(2, cosine.exitCode(), cosine.toString());
        assertTrue(cosine.err().contains("--min-cosine must be between -1 and 1, got 1.5"));
        CliRun alone =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        folder.resolve("x").toString(),
                        "--min-cosine",
                        "0.9");
        assertEquals(2, alone.exitCode(), alone.toString());
        assertTrue(alone.err().contains("--min-cosine needs --verify PATH"), alone.toString());
        CliRun samples =
                CliRun.of(
                        "decompose",
                        CliRun.EXAMPLE.toString(),
                        "-o",
                        folder.resolve("y").toString(),
                        "--calibration-samples",
                        "0");
        assertEquals(2, samples.exitCode(), samples.toString());
    }
}
