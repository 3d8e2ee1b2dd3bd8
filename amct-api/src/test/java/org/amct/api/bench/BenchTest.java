package org.amct.api.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.amct.api.DecompositionOptions;
import org.amct.api.LayerInspection;
import org.amct.api.TensorDecompose;
import org.amct.api.graph.ModelGraph;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.junit.jupiter.api.Test;

class BenchTest {

    @Test
    void parsesShapesAndRejectsBadOnes() {
        ConvShape shape = ConvShape.parse("512x256x3x5");
        assertEquals(new ConvShape(512, 256, 3, 5), shape);
        assertEquals(768, shape.rows());
        assertEquals(2560, shape.cols());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ConvShape.parse("512x512x3"));
        assertEquals(
                "Shape '512x512x3' must be COUTxCINxKHxKW, for example 512x512x3x3",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvShape.parse("axbxcxd"));
        assertThrows(IllegalArgumentException.class, () -> ConvShape.parse("0x1x1x1"));
        // Quoted as typed, not as the half-built record prints (it read 0x0x0x0).
        assertEquals(
                "Shape '64x0x3x3': every dimension must be >= 1",
                assertThrows(IllegalArgumentException.class, () -> ConvShape.parse("64x0x3x3"))
                        .getMessage());
        assertEquals(
                "Shape 64x0x3x3: every dimension must be >= 1",
                assertThrows(IllegalArgumentException.class, () -> new ConvShape(64, 0, 3, 3))
                        .getMessage());
        assertEquals(
                "Shape '100000X100000x3x3': 90,000,000,000 weight elements, more than the 2^31-1"
                        + " one tensor may hold",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> ConvShape.parse("100000X100000x3x3"))
                        .getMessage());
    }

    @Test
    void measuresALayerWithTheRankTheRuleGives() {
        var selection =
                org.amct.api.backend.BackendCatalog.discover()
                        .select(java.util.Optional.of(org.amct.spi.BackendId.of("ejml")));
        try (ComputeBackend backend = selection.provider().open(BackendOptions.defaults())) {
            Measurement m = LayerBenchmark.run(backend, ConvShape.parse("64x64x3x3"), 1, 3, 7);
            assertEquals(3, m.seconds().size());
            assertEquals(32, m.rank());
            assertTrue(m.medianSeconds() > 0);
            assertTrue(m.heapPeakBytes() > 0);
        }
    }

    @Test
    void resnet50HasTheRealConvShapesAndSeventeenEligibleLayers() {
        ModelGraph model = ReferenceModels.resnet50(1);
        List<LayerInspection> convs =
                TensorDecompose.inspect(model, DecompositionOptions.defaults(), false);
        assertEquals(53, convs.size());
        List<String> eligible =
                convs.stream()
                        .filter(LayerInspection::eligible)
                        .map(LayerInspection::name)
                        .toList();
        assertEquals(17, eligible.size());
        assertEquals("conv1", eligible.get(0));
        assertEquals("layer4.2.conv2", eligible.get(16));
        long params = model.stateDict().values().stream().mapToLong(t -> t.numel()).sum();
        assertEquals(23_454_912L, params);
    }
}
