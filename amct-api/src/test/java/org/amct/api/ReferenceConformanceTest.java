package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Layer;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Sequential;
import org.amct.api.graph.Tensor;
import org.amct.conformance.ReferenceFixtureSetNames;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reference fixture decomposed by {@link TensorDecompose#autoDecomposition} on the EJML
 * backend matches the reference tool: mode, rank, shapes, info entry, new layer attributes,
 * reconstruction error, and factors up to the sign of each rank component.
 */
@DisplayNameGeneration(ReferenceFixtureSetNames.class)
class ReferenceConformanceTest {
    /** The fixtures' errors were computed in float64 like ours: agreement to 1e-9 relative. */
    private static final double ERROR_TOLERANCE = 1e-9;

    /** Factors agree to this, relative to the largest element of the factor. */
    private static final double FACTOR_TOLERANCE = 1e-8;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path temp;

    static Stream<ReferenceCase> cases() {
        return ReferenceCase.all().stream();
    }

    private DecompositionResult decompose(ReferenceCase c, Path info) throws IOException {
        ModelGraph model = ModelGraph.builder("Net").add(c.name(), c.conv(DType.FLOAT64)).build();
        return TensorDecompose.autoDecomposition(
                model,
                DecompositionOptions.builder().backend("ejml").decomposeInfoFile(info).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReferenceTool(ReferenceCase c) throws IOException {
        Path info = temp.resolve("info.json");
        DecompositionResult result = decompose(c, info);
        if (c.isUnchanged()) {
            assertTrue(result.changes().isEmpty(), c.name() + " must be left unchanged");
            assertEquals(c.name(), result.skipped().get(0).name());
            assertFalse(Files.exists(info), "no info file when nothing was decomposed");
            return;
        }
        JsonNode e = c.expected();
        LayerReport report = result.layers().get(0);
        assertEquals(e.get("mode").asText(), report.mode(), c.name());
        assertEquals(e.get("rank").asInt(), report.rank(), c.name());
        assertEquals(ints(e.get("first_shape")), report.firstShape(), c.name());
        assertEquals(ints(e.get("last_shape")), report.lastShape(), c.name());
        assertEquals(List.of(c.name() + ".0", c.name() + ".1"), result.changes().get(c.name()));
        double expectedError = e.get("rel_frobenius_error").asDouble();
        assertEquals(
                expectedError,
                report.relativeError(),
                ERROR_TOLERANCE * expectedError,
                c.name() + " reconstruction error");
        JsonNode written = JSON.readTree(info.toFile());
        assertEquals(e.get("decompose_info"), written.get(0), c.name() + " info entry");
        checkNewLayers(c, result.model());
    }

    private static void checkNewLayers(ReferenceCase c, ModelGraph model) {
        Layer pair = model.find(c.name()).orElseThrow();
        assertTrue(pair instanceof Sequential, "layer replaced by a Sequential");
        Conv2d first = (Conv2d) model.find(c.name() + ".0").orElseThrow();
        Conv2d last = (Conv2d) model.find(c.name() + ".1").orElseThrow();
        checkAttributes(c.expected().get("first_conv"), first, c.name() + ".0");
        checkAttributes(c.expected().get("last_conv"), last, c.name() + ".1");
        if (c.tensors().containsKey("first")) {
            checkFactors(c, first.weight(), last.weight());
        }
    }

    private static void checkAttributes(JsonNode e, Conv2d conv, String name) {
        assertEquals(e.get("in_channels").asInt(), conv.inChannels(), name);
        assertEquals(e.get("out_channels").asInt(), conv.outChannels(), name);
        assertEquals(ints(e.get("kernel_size")), conv.kernelSize().toList(), name);
        assertEquals(ints(e.get("stride")), conv.stride().toList(), name);
        assertEquals(ints(e.get("dilation")), conv.dilation().toList(), name);
        assertEquals(e.get("groups").asInt(), conv.groups(), name);
        assertEquals(e.get("bias").asBoolean(), conv.hasBias(), name);
        assertTrue(conv.padding().isSymmetric(), name);
        assertEquals(
                ints(e.get("padding")),
                List.of(conv.padding().top(), conv.padding().left()),
                name + " padding");
    }

    /** Per rank component c, first[c] and last[:, c] match the reference up to one sign. */
    private static void checkFactors(ReferenceCase c, Tensor first, Tensor last) {
        Tensor refFirst = c.tensors().get("first");
        Tensor refLast = c.tensors().get("last");
        assertEquals(Arrays.toString(refFirst.shape()), Arrays.toString(first.shape()));
        assertEquals(Arrays.toString(refLast.shape()), Arrays.toString(last.shape()));
        double[] f = first.toDoubles();
        double[] rf = refFirst.toDoubles();
        double[] l = last.toDoubles();
        double[] rl = refLast.toDoubles();
        int rank = first.dim(0);
        int firstBlock = f.length / rank;
        int lastOut = last.dim(0);
        int lastBlock = last.dim(2) * last.dim(3);
        double scaleF = maxAbs(rf);
        double scaleL = maxAbs(rl);
        for (int comp = 0; comp < rank; comp++) {
            double dot = 0;
            for (int i = 0; i < firstBlock; i++) {
                dot += f[comp * firstBlock + i] * rf[comp * firstBlock + i];
            }
            double sign = dot < 0 ? -1 : 1;
            for (int i = 0; i < firstBlock; i++) {
                int at = comp * firstBlock + i;
                assertEquals(rf[at], sign * f[at], FACTOR_TOLERANCE * scaleF, c.name() + " first");
            }
            for (int o = 0; o < lastOut; o++) {
                for (int k = 0; k < lastBlock; k++) {
                    int at = (o * rank + comp) * lastBlock + k;
                    assertEquals(
                            rl[at], sign * l[at], FACTOR_TOLERANCE * scaleL, c.name() + " last");
                }
            }
        }
    }

    private static double maxAbs(double[] values) {
        return Arrays.stream(values).map(Math::abs).max().orElse(0);
    }

    private static List<Integer> ints(JsonNode node) {
        return java.util.stream.StreamSupport.stream(node.spliterator(), false)
                .map(JsonNode::asInt)
                .toList();
    }
}
