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
}
