package org.amct.api.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.amct.api.backend.BackendCatalog;
import org.amct.api.exception.DecompositionException;
import org.amct.api.exception.ErrorCategory;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.amct.spi.BackendId;
import org.amct.spi.BackendOptions;
import org.amct.spi.ComputeBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * New weights beyond the heap share go to mapped files: the same bytes, nothing left on disk, and a
 * clear error where the folder cannot take them.
 */
class FactorSpillTest {
    private static ComputeBackend backend;

    @BeforeAll
    static void open() {
        backend =
                BackendCatalog.discover()
                        .select(Optional.of(BackendId.of("ejml")))
                        .provider()
                        .open(BackendOptions.defaults());
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static LayerDecomposer.Outcome decomposed(long seed) {
        int[] shape = {32, 24, 3, 3};
        float[] values = new float[32 * 24 * 3 * 3];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() - 0.5);
        }
        Conv2d conv =
                Conv2d.builder(24, 32, new Size2d(3, 3))
                        .weight(Tensor.ofFloats(shape, values))
                        .bias(Tensor.ofFloats(new int[] {32}, new float[32]))
                        .build();
        return LayerDecomposer.decompose(
                "conv" + seed,
                conv,
                backend,
                (name, layer, s) ->
                        new RankDecision(
                                "rank", new RankChoice(8, 8, 0.0, 8, 8, false), Optional.empty()));
    }

    @Test
    void weightsBeyondTheShareAreMappedWithTheSameBytesAndNoFileLeft(@TempDir Path folder)
            throws IOException {
        LayerDecomposer.Outcome first = decomposed(1);
        LayerDecomposer.Outcome second = decomposed(2);
        DecomposedLayer layer = first.layer().orElseThrow();
        long oneLayer = layer.first().weight().byteSize() + layer.last().weight().byteSize();
        FactorSpill spill = new FactorSpill(oneLayer, folder);

        LayerDecomposer.Outcome kept = spill.keep("conv1", first);
        assertSame(first, kept, "the first layer fits in the heap share");
        LayerDecomposer.Outcome spilled = spill.keep("conv2", second);
        DecomposedLayer original = second.layer().orElseThrow();
        DecomposedLayer mapped = spilled.layer().orElseThrow();
        for (Conv2d[] pair :
                new Conv2d[][] {
                    {original.first(), mapped.first()}, {original.last(), mapped.last()}
                }) {
            ByteBuffer data = pair[1].weight().data();
            assertTrue(data.isDirect(), "a spilled weight is a mapped (direct) buffer");
            assertEquals(pair[0].weight(), pair[1].weight(), "the same dtype, shape and bytes");
            assertEquals(pair[0].bias(), pair[1].bias(), "the bias is kept as it was");
            assertEquals(pair[0].stride(), pair[1].stride());
        }
        assertEquals(original.rankChoice(), mapped.rankChoice());
        assertEquals(original.relativeError(), mapped.relativeError());
        try (Stream<Path> left = Files.list(folder)) {
            assertEquals(0, left.count(), "spill files are deleted once mapped");
        }
        // Already mapped weights cost no heap and are not spilled again.
        assertSame(spilled, new FactorSpill(0, folder).keep("conv2", spilled));
    }

    @Test
    void aFolderThatCannotTakeTheWeightsIsAnIoErrorNamingTheLayerAndTheFolder(
            @TempDir Path folder) {
        Path missing = folder.resolve("missing");
        FactorSpill spill = new FactorSpill(0, missing);
        DecompositionException e =
                assertThrows(
                        DecompositionException.class, () -> spill.keep("conv3", decomposed(3)));
        assertEquals(ErrorCategory.IO, e.category());
        assertTrue(
                e.getMessage().startsWith("Layer 'conv3': could not keep its new weight ("),
                e.getMessage());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("java.io.tmpdir"), e.getMessage());
        assertFalse(Files.exists(missing));
    }

    @Test
    void aLayerLeftUnchangedPassesThrough(@TempDir Path folder) {
        LayerDecomposer.Outcome unchanged =
                new LayerDecomposer.Outcome(
                        new RankDecision(
                                "rank",
                                new RankChoice(0, 0, 0.0, 0, 0, false),
                                Optional.of("rank 0")),
                        Optional.empty(),
                        new double[] {1.0});
        assertSame(unchanged, new FactorSpill(0, folder).keep("conv4", unchanged));
        assertEquals(DType.FLOAT32, decomposed(4).layer().orElseThrow().first().weight().dtype());
    }
}
