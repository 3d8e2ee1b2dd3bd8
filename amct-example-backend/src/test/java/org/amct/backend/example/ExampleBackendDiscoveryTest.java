package org.amct.backend.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerReport;
import org.amct.api.TensorDecompose;
import org.amct.api.backend.BackendCatalog;
import org.amct.api.backend.BackendRequest;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Size2d;
import org.amct.conformance.Tolerances;
import org.amct.spi.BackendId;
import org.junit.jupiter.api.Test;

/**
 * The unchanged API finds this backend through ServiceLoader (the module's {@code provides}), never
 * picks it on its own (priority 1 is below EJML's 100), and runs a decomposition on it when it is
 * requested, with the same ranks and spectra as EJML.
 */
class ExampleBackendDiscoveryTest {
    private static final BackendId EXAMPLE = BackendId.of("example");

    @Test
    void serviceLoaderFindsItNextToEjmlAndTheAutomaticChoiceKeepsEjml() {
        BackendCatalog catalog = BackendCatalog.discover();
        List<String> ids =
                catalog.reports().stream().map(r -> r.descriptor().id().value()).toList();
        assertTrue(ids.containsAll(List.of("example", "ejml")), ids.toString());
        assertEquals("ejml", catalog.select(Optional.empty()).chosen().descriptor().id().value());
        assertEquals(
                "example", catalog.select(Optional.of(EXAMPLE)).chosen().descriptor().id().value());
    }

    @Test
    void decomposesWhenRequestedAndAgreesWithEjml() throws IOException {
        ModelGraph model = model();
        DecompositionResult onExample =
                TensorDecompose.autoDecomposition(
                        model, DecompositionOptions.builder().backend("example").build());
        DecompositionResult onEjml =
                TensorDecompose.autoDecomposition(
                        model, DecompositionOptions.builder().backend("ejml").build());

        assertEquals("example", onExample.backend().id());
        assertTrue(onExample.backend().forced());
        assertEquals(onEjml.changes(), onExample.changes());
        for (int i = 0; i < onEjml.layers().size(); i++) {
            LayerReport expected = onEjml.layers().get(i);
            LayerReport actual = onExample.layers().get(i);
            assertEquals(expected.rank(), actual.rank(), expected.name());
            double[] s = expected.spectrum().singularValues();
            double[] t = actual.spectrum().singularValues();
            // Both go through the Gram matrix: each s_i^2 is accurate to the suite's tolerance,
            // sized by the unfolding (at most max(in, out) x max(kh, kw) on its long side).
            int size =
                    Math.max(expected.inChannels(), expected.outChannels())
                            * Math.max(
                                    expected.kernelSize().height(), expected.kernelSize().width());
            double squares = Tolerances.singularValueSquares(size, size, s[0]);
            double total = 0;
            for (int k = 0; k < s.length; k++) {
                assertEquals(s[k] * s[k], t[k] * t[k], squares, expected.name() + " s_" + k);
                total += s[k] * s[k];
            }
            // error^2 = 1 - kept / total, kept the sum of the first r squares: off by at most
            // 2 r squares / total between the two, and error itself by that over (e_a + e_b).
            double errors = expected.relativeError() + actual.relativeError();
            double tolerance =
                    2 * expected.rank() * squares / total / Math.max(errors, Math.ulp(1.0));
            assertEquals(
                    expected.relativeError(), actual.relativeError(), tolerance, expected.name());
        }
    }

    @Test
    void theSystemPropertySelectsItAsAmctBackendWould() {
        String before = System.getProperty(BackendRequest.PROPERTY);
        System.setProperty(BackendRequest.PROPERTY, "example");
        try {
            DecompositionResult result = TensorDecompose.autoDecomposition(model());
            assertEquals("example", result.backend().id());
        } finally {
            if (before == null) {
                System.clearProperty(BackendRequest.PROPERTY);
            } else {
                System.setProperty(BackendRequest.PROPERTY, before);
            }
        }
    }

    private static ModelGraph model() {
        SplittableRandom random = new SplittableRandom(5);
        return ModelGraph.builder("Net")
                .add("conv1", Conv2d.builder(64, 64, Size2d.square(3)).random(random).build())
                .add("conv2", Conv2d.builder(64, 96, Size2d.square(3)).random(random).build())
                .build();
    }
}
