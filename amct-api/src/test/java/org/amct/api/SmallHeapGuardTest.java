package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.amct.api.exception.DecompositionException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Run by its own Surefire execution in a JVM with a 96 MB heap (see amct-api/pom.xml): a layer
 * whose factorization needs far more is refused before anything is allocated for it.
 */
class SmallHeapGuardTest {

    @Test
    void aLayerThatCannotFitFailsNamingTheLayerTheBytesAndTheFix() {
        Assumptions.assumeTrue(
                Runtime.getRuntime().maxMemory() < (128L << 20),
                "needs the small-heap Surefire execution");
        Conv2d big =
                Conv2d.builder(1024, 1024, Size2d.square(3))
                        .withBias(false)
                        .weight(Tensor.zeros(DType.FLOAT32, new int[] {1024, 1024, 3, 3}))
                        .build();
        ModelGraph model = ModelGraph.builder("Big").add("huge", big).build();
        DecompositionException e =
                assertThrows(
                        DecompositionException.class,
                        () ->
                                TensorDecompose.autoDecomposition(
                                        model,
                                        DecompositionOptions.builder().backend("ejml").build()));
        assertTrue(e.getMessage().startsWith("Layer 'huge' needs about "), e.getMessage());
        assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
    }

    @Test
    void aSixtyMegabyteInfoFileIsStreamedNotBufferedAsCharacters() throws java.io.IOException {
        Assumptions.assumeTrue(
                Runtime.getRuntime().maxMemory() < (128L << 20),
                "needs the small-heap Surefire execution");
        // Valid JSON (an empty list padded with spaces) under the 64 MB limit: buffered as bytes
        // and then as characters it would take 180 MB, more than this heap.
        java.nio.file.Path file = java.nio.file.Files.createTempFile("big-info", ".json");
        try {
            try (var out =
                    new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file))) {
                out.write('[');
                byte[] spaces = new byte[1 << 20];
                java.util.Arrays.fill(spaces, (byte) ' ');
                for (int i = 0; i < 60; i++) {
                    out.write(spaces);
                }
                out.write(']');
            }
            assertTrue(org.amct.api.schema.DecomposeInfoCodec.read(file).isEmpty());
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void benchRefusesAShapeThatCannotFitNamingTheHeapAndTheFix() {
        Assumptions.assumeTrue(
                Runtime.getRuntime().maxMemory() < (128L << 20),
                "needs the small-heap Surefire execution");
        var selection =
                org.amct.api.backend.BackendCatalog.discover()
                        .select(java.util.Optional.of(org.amct.spi.BackendId.of("ejml")));
        try (org.amct.spi.ComputeBackend backend =
                selection.provider().open(org.amct.spi.BackendOptions.defaults())) {
            DecompositionException e =
                    assertThrows(
                            DecompositionException.class,
                            () ->
                                    org.amct.api.bench.LayerBenchmark.run(
                                            backend,
                                            org.amct.api.bench.ConvShape.parse("5000x5000x3x3"),
                                            0,
                                            1,
                                            7));
            assertTrue(
                    e.getMessage().startsWith("Benchmarking shape 5000x5000x3x3 on backend 'ejml'"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("maximum heap"), e.getMessage());
            assertTrue(e.getMessage().contains("AMCT_JAVA_OPTS=-Xmx"), e.getMessage());
        }
    }
}
