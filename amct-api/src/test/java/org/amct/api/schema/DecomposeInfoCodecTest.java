package org.amct.api.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amct.api.decompose.DecomposeMode;
import org.amct.api.decompose.LayerPlan;
import org.amct.api.exception.DecompositionInfoException;
import org.amct.conformance.ReferenceFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DecomposeInfoCodecTest {
    private static final String VALID =
            "[{\"ori_layer_info\": {\"name\": \"conv1\", \"in_channels\": 64, \"out_channels\": 64,"
                    + " \"kernel_size\": [3, 3], \"stride\": [1, 1], \"dilation\": [1, 1], \"groups\": 1},"
                    + " \"mode\": \"SCFK\", \"decom_nodes\": {\"first\": {\"weight_shape\": [32, 64, 3, 1]},"
                    + " \"last\": {\"weight_shape\": [64, 32, 1, 3]}}}]";

    @TempDir Path temp;

    @Test
    void readsTheReferenceToolsFileAndWritesItBackByteForByte() throws IOException {
        Path reference = ReferenceFixtures.directory().resolve("decompose_info.json");
        List<LayerPlan> plans = DecomposeInfoCodec.read(reference);
        assertEquals(12, plans.size());
        assertEquals("v01_scfk_gauss_96x64x3x3", plans.get(0).name());
        assertEquals(DecomposeMode.SCFK, plans.get(0).mode());
        assertEquals(32, plans.get(0).rank());
        Path written = temp.resolve("out.json");
        DecomposeInfoCodec.write(written, plans);
        assertEquals(Files.readString(reference), Files.readString(written));
    }

    @Test
    void parsesAValidEntry() {
        LayerPlan plan = DecomposeInfoCodec.parse(VALID, "x.json").get(0);
        assertEquals("conv1", plan.name());
        assertEquals(List.of(64, 32, 1, 3), plan.lastShape());
    }

    @Test
    void writesNonAsciiNamesEscapedAsPythonDoes() {
        String json =
                DecomposeInfoCodec.toJson(
                        List.of(
                                DecomposeInfoCodec.parse(VALID.replace("conv1", "c\u00e9"), "x")
                                        .get(0)));
        assertTrue(json.contains("\"c\\u00e9\""), json);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "unknown field|\"groups\": 1|\"groups\": 1, \"bias\": true|Unrecognized field \"bias\"",
                "missing field|, \"groups\": 1||groups",
                "string for int|\"in_channels\": 64|\"in_channels\": \"64\"|in_channels",
                "float for int|\"in_channels\": 64|\"in_channels\": 64.5|in_channels",
                "null for int|\"in_channels\": 64|\"in_channels\": null|in_channels",
                "three kernel values|\"kernel_size\": [3, 3]|\"kernel_size\": [3, 3, 3]|kernel_size must have 2 values",
                "zero channels|\"out_channels\": 64|\"out_channels\": 0|out_channels must be >= 1",
                "bad mode|\"SCFK\"|\"XYZW\"|mode",
                "short shape|[32, 64, 3, 1]|[32, 64, 3]|weight_shape must have 4 values",
                "duplicate key|\"groups\": 1|\"groups\": 1, \"groups\": 1|Duplicate field 'groups'",
            })
    void rejectsMalformedEntriesNamingFileAndLocation(
            String label, String from, String to, String expected) {
        String json = VALID.replace(from, to == null ? "" : to);
        DecompositionInfoException e =
                assertThrows(
                        DecompositionInfoException.class,
                        () -> DecomposeInfoCodec.parse(json, "model-info.json"),
                        label);
        assertTrue(
                e.getMessage().startsWith("Decomposition-info file 'model-info.json'"),
                e.getMessage());
        assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("line 1"), label + ": " + e.getMessage());
    }

    @Test
    void rejectsALayerListedTwice() {
        String json = "[" + VALID.substring(1, VALID.length() - 1) + ", " + VALID.substring(1);
        DecompositionInfoException e =
                assertThrows(
                        DecompositionInfoException.class,
                        () -> DecomposeInfoCodec.parse(json, "f"));
        assertTrue(
                e.getMessage().contains("$[1].ori_layer_info.name: layer 'conv1' is listed twice"),
                e.getMessage());
    }

    @Test
    void rejectsTextThatIsNotAList() {
        assertThrows(DecompositionInfoException.class, () -> DecomposeInfoCodec.parse("{}", "f"));
        assertThrows(DecompositionInfoException.class, () -> DecomposeInfoCodec.parse("[", "f"));
        assertThrows(DecompositionInfoException.class, () -> DecomposeInfoCodec.parse("null", "f"));
        assertThrows(
                DecompositionInfoException.class, () -> DecomposeInfoCodec.parse("[] []", "f"));
    }

    @Test
    void aFailedWriteLeavesNoFileBehind() throws IOException {
        Path folder = Files.createDirectory(temp.resolve("ro"));
        Path target = folder.resolve("info.json");
        Files.writeString(target, "old", StandardCharsets.UTF_8);
        List<LayerPlan> plans = DecomposeInfoCodec.parse(VALID, "x");
        assertTrue(folder.toFile().setWritable(false));
        try {
            if (Files.isWritable(folder)) {
                return; // running as root: permissions do not stop us, nothing to check
            }
            assertThrows(IOException.class, () -> DecomposeInfoCodec.write(target, plans));
            assertEquals("old", Files.readString(target));
        } finally {
            folder.toFile().setWritable(true);
        }
    }
}
