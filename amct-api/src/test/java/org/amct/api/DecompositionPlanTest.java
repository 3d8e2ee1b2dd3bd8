package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Sequential;
import org.amct.api.graph.Tensor;
import org.amct.api.report.JsonReport;
import org.junit.jupiter.api.Test;

/**
 * {@link DecompositionPlan}: budgets allocated on the whitened spectra when calibration statistics
 * are given (docs/design/ALGORITHM.md section 8), the factors truncated from the same
 * factorization, and repeated builds at other ranks from the kept factorizations.
 */
class DecompositionPlanTest {
    private static final double FRACTION = 0.45;

    /**
     * Strongly anisotropic moments for the layers of {@code layer1} (a decaying diagonal over four
     * decades, with a correlated pair of directions), the identity for the others: only the first
     * change their whitened spectra's shape.
     */
    private static LayerStatistics anisotropic() {
        return (name, conv) -> {
            int d = PatchLayout.size(conv);
            double[] s = new double[d * d];
            boolean skewed = name.startsWith("layer1");
            for (int i = 0; i < d; i++) {
                s[i * d + i] = skewed ? Math.pow(10, -4.0 * i / d) : 1.0;
            }
            if (skewed && d > 1) {
                s[1] = 0.5 * Math.sqrt(s[0] * s[d + 1]);
                s[d] = s[1];
            }
            return Optional.of(new PatchMoments(d, s, 1000));
        };
    }

    /** {@code S = I} with damping 3: {@code L = 2 I} exactly, so the whitened matrix is 2A. */
    private static DataAwareFactors identity() {
        return new DataAwareFactors(
                (name, conv) -> {
                    int d = PatchLayout.size(conv);
                    double[] s = new double[d * d];
                    for (int i = 0; i < d; i++) {
                        s[i * d + i] = 1.0;
                    }
                    return Optional.of(new PatchMoments(d, s, 1));
                },
                3.0);
    }

    private static DecompositionOptions.Builder options() {
        return DecompositionOptions.builder().backend("ejml").threads(1);
    }

    private static DecompositionPlan plan(ModelGraph model, DecompositionOptions.Builder options) {
        return TensorDecompose.plan(model, options.build());
    }

    private static long conv2dParameters(ModelGraph model) {
        return model.convs().values().stream().mapToLong(Conv2d::parameterCount).sum();
    }

    private static double summedError(DecompositionPlan plan, Map<String, Integer> ranks) {
        double sum = 0;
        for (DecompositionPlan.Layer layer : plan.layers()) {
            sum += layer.relativeError(ranks.getOrDefault(layer.name(), 0));
        }
        return sum;
    }

    @Test
    void withAnisotropicMomentsTheWhitenedAllocationDiffersAndWeighsTheOutputError() {
        ModelGraph model = RankPoliciesTest.generated(21);
        CompressionTarget target = CompressionTarget.params(FRACTION);
        Map<String, Integer> plain;
        try (DecompositionPlan weights = plan(model, options())) {
            assertTrue(weights.layers().stream().noneMatch(DecompositionPlan.Layer::whitened));
            plain = weights.allocate(target);
        }
        try (DecompositionPlan whitened =
                plan(model, options().dataAware(new DataAwareFactors(anisotropic(), 0.01)))) {
            assertTrue(whitened.layers().stream().allMatch(DecompositionPlan.Layer::whitened));
            Map<String, Integer> aware = whitened.allocate(target);
            assertEquals(plain.keySet(), aware.keySet(), "the same layers are allocated");
            assertNotEquals(plain, aware, "the whitened spectra move the ranks");
            // The skewed layers lose little output at a low rank: they are compressed more.
            assertTrue(
                    skewedParams(whitened, aware) < skewedParams(whitened, plain),
                    plain + " vs " + aware);
            // On the whitened measure, the whitened allocation is the better one of the two.
            assertTrue(
                    summedError(whitened, aware) <= summedError(whitened, plain),
                    summedError(whitened, aware) + " vs " + summedError(whitened, plain));
            long limit = (long) Math.floor(FRACTION * whitened.before(target.measure()));
            assertTrue(whitened.after(target.measure(), aware) <= limit);
            assertTrue(whitened.after(target.measure(), plain) <= limit);
        }
    }

    /** The parameters of the layers of {@code layer1} at these ranks. */
    private static long skewedParams(DecompositionPlan plan, Map<String, Integer> ranks) {
        return plan.layers().stream()
                .filter(layer -> layer.name().startsWith("layer1"))
                .mapToLong(layer -> layer.params().at(ranks.get(layer.name())))
                .sum();
    }

    @Test
    void aBudgetWithCalibrationIsMetAndReportedAsAllocatedOnTheWhitenedSpectra()
            throws IOException {
        ModelGraph model = RankPoliciesTest.generated(22);
        DecompositionResult result =
                TensorDecompose.autoDecomposition(
                        model,
                        options()
                                .target(CompressionTarget.params(FRACTION))
                                .dataAware(DataAwareFactors.of(anisotropic()))
                                .build());
        TargetReport target = result.target().orElseThrow();
        assertEquals(TargetReport.Spectra.WHITENED, target.spectra());
        assertEquals(conv2dParameters(model), target.before());
        assertEquals(conv2dParameters(result.model()), target.after(), "counted as built");
        assertTrue(target.after() <= target.limit(), target.toString());
        long step = 16L * (128 * 3 + 256 * 3); // one rank step of the widest layer
        assertTrue(target.limit() - target.after() < step, target.toString());
        assertFalse(result.layers().isEmpty());
        for (LayerReport layer : result.layers()) {
            assertTrue(layer.spectrum().whitened(), layer.name());
            assertEquals("target-params:" + FRACTION, layer.policy());
        }
        JsonNode json =
                new ObjectMapper()
                        .readTree(JsonReport.toJson("m.onnx", model, result.summary(), 1.0));
        assertEquals("whitened", json.get("layers").get(0).get("rank_spectrum").asText());
        assertEquals("whitened", json.get("totals").get("target").get("spectra").asText());

        DecompositionResult plain =
                TensorDecompose.autoDecomposition(
                        model, options().target(CompressionTarget.params(FRACTION)).build());
        assertEquals(TargetReport.Spectra.WEIGHTS, plain.target().orElseThrow().spectra());
        plain.layers().forEach(l -> assertFalse(l.spectrum().whitened(), l.name()));
        JsonNode plainJson =
                new ObjectMapper()
                        .readTree(JsonReport.toJson("m.onnx", model, plain.summary(), 1.0));
        assertEquals("weights", plainJson.get("layers").get(0).get("rank_spectrum").asText());
        assertEquals("weights", plainJson.get("totals").get("target").get("spectra").asText());
    }

    @Test
    void identityMomentsGiveThePlainAllocationAndSpectra() {
        ModelGraph model = RankPoliciesTest.generated(23);
        for (double fraction : new double[] {0.3, 0.6}) {
            CompressionTarget target = CompressionTarget.params(fraction);
            try (DecompositionPlan weights = plan(model, options());
                    DecompositionPlan whitened = plan(model, options().dataAware(identity()))) {
                assertEquals(weights.allocate(target), whitened.allocate(target), "" + fraction);
                for (int i = 0; i < weights.layers().size(); i++) {
                    double[] s = weights.layers().get(i).singularValues();
                    double[] w = whitened.layers().get(i).singularValues();
                    for (int k = 0; k < s.length; k++) {
                        assertEquals(2 * s[k], w[k], 1e-12 * s[0], "value " + k);
                    }
                }
            }
        }
    }

    @Test
    void atFullRankTheWhitenedFactorsAreExact() {
        ModelGraph model = RankPoliciesTest.generated(24);
        try (DecompositionPlan plan =
                plan(model, options().dataAware(new DataAwareFactors(anisotropic(), 0.01)))) {
            Map<String, Integer> full = new LinkedHashMap<>();
            plan.layers().forEach(layer -> full.put(layer.name(), layer.fullRank()));
            DecompositionResult result = plan.build(full);
            assertEquals(plan.layers().size(), result.layers().size());
            for (LayerReport layer : result.layers()) {
                assertTrue(layer.relativeError() < 1e-9, layer.name() + ": " + layer);
                assertEquals("plan", layer.policy());
            }
        }
    }

    @Test
    void buildsTruncateTheKeptFactorizationsRepeatablyAtAnyRanks() {
        ModelGraph model = RankPoliciesTest.generated(25);
        try (DecompositionPlan plan =
                plan(model, options().dataAware(new DataAwareFactors(anisotropic(), 0.01)))) {
            Map<String, Integer> ranks = plan.allocate(CompressionTarget.params(FRACTION));
            DecompositionResult first = plan.build(ranks);
            Map<String, Integer> other = new LinkedHashMap<>();
            plan.layers().forEach(layer -> other.put(layer.name(), 16));
            DecompositionResult between = plan.build(other, "rank:16 everywhere");
            between.layers().forEach(l -> assertEquals(16, l.rank(), l.name()));
            between.layers().forEach(l -> assertEquals("rank:16 everywhere", l.policy()));
            DecompositionResult again = plan.build(ranks);
            assertEquals(first.changes(), again.changes());
            for (String name : first.changes().keySet()) {
                Sequential a = (Sequential) first.model().find(name).orElseThrow();
                Sequential b = (Sequential) again.model().find(name).orElseThrow();
                for (String part : new String[] {"0", "1"}) {
                    Tensor x = ((Conv2d) a.children().get(part)).weight();
                    Tensor y = ((Conv2d) b.children().get(part)).weight();
                    assertArrayEquals(x.toDoubles(), y.toDoubles(), 0.0, name + "." + part);
                }
            }
            assertTrue(first.target().isEmpty(), "no target in the options");
            assertEquals(
                    plan.after(CompressionTarget.Measure.PARAMS, ranks),
                    conv2dParameters(first.model()));
            assertEquals(
                    plan.after(CompressionTarget.Measure.PARAMS, other),
                    conv2dParameters(between.model()));
        }
    }

    @Test
    void theWhitenedFactorsAtARankAreTheDataAwareFactorsOfThePerLayerPath() throws IOException {
        ModelGraph model = RankPoliciesTest.generated(26);
        DataAwareFactors aware = DataAwareFactors.of(anisotropic());
        DecompositionResult perLayer =
                TensorDecompose.autoDecomposition(
                        model, options().rankPolicy(RankPolicy.rank(32)).dataAware(aware).build());
        try (DecompositionPlan plan = plan(model, options().dataAware(aware))) {
            Map<String, Integer> ranks = new LinkedHashMap<>();
            perLayer.layers().forEach(layer -> ranks.put(layer.name(), layer.rank()));
            assertTrue(ranks.size() >= 4, ranks.toString());
            DecompositionResult built = plan.build(ranks);
            assertEquals(perLayer.changes(), built.changes());
            for (String name : perLayer.changes().keySet()) {
                Conv2d conv = model.convs().get(name);
                DataAwareFactorsTest.Matrix want = product(conv, perLayer.model(), name);
                DataAwareFactorsTest.Matrix got = product(conv, built.model(), name);
                double scale = 0;
                double diff = 0;
                for (int i = 0; i < want.values().length; i++) {
                    scale = Math.max(scale, Math.abs(want.values()[i]));
                    diff = Math.max(diff, Math.abs(want.values()[i] - got.values()[i]));
                }
                assertTrue(diff <= 1e-9 * scale, name + ": " + diff + " of " + scale);
            }
        }
    }

    /** {@code P C} of a decomposed layer, read back from its two convs. */
    private static DataAwareFactorsTest.Matrix product(
            Conv2d conv, ModelGraph decomposed, String name) {
        ModelGraph single =
                ModelGraph.builder("One")
                        .add("conv", (Sequential) decomposed.find(name).orElseThrow())
                        .build();
        DataAwareFactorsTest.Pair pair = DataAwareFactorsTest.factors(conv, single);
        return pair.p().times(pair.c());
    }

    @Test
    void autoDecompositionWithATargetIsThePlansAllocationBuilt() throws IOException {
        ModelGraph model = RankPoliciesTest.generated(27);
        DecompositionOptions.Builder options =
                options()
                        .target(CompressionTarget.params(FRACTION))
                        .dataAware(DataAwareFactors.of(anisotropic()));
        DecompositionResult auto = TensorDecompose.autoDecomposition(model, options.build());
        try (DecompositionPlan plan = plan(model, options)) {
            DecompositionResult built =
                    plan.build(plan.allocate(CompressionTarget.params(FRACTION)));
            assertEquals(auto.changes(), built.changes());
            assertEquals(auto.target(), built.target());
            for (int i = 0; i < auto.layers().size(); i++) {
                assertEquals(auto.layers().get(i).rank(), built.layers().get(i).rank());
                assertEquals(
                        auto.layers().get(i).relativeError(),
                        built.layers().get(i).relativeError(),
                        0.0);
            }
            assertEquals(auto.skipped(), built.skipped());
        }
    }

    @Test
    void layersWithARankOfTheirOwnAreDecomposedOnceAndKeptInEveryBuild() {
        ModelGraph model = RankPoliciesTest.generated(28);
        try (DecompositionPlan plan =
                plan(model, options().layerRankPolicy("layer2.1", RankPolicy.rank(48)))) {
            assertTrue(plan.layers().stream().noneMatch(l -> l.name().equals("layer2.1")));
            DecompositionResult none = plan.build(Map.of());
            assertEquals(1, none.layers().size());
            assertEquals(48, none.layers().get(0).rank());
            assertEquals(
                    conv2dParameters(none.model()),
                    plan.after(CompressionTarget.Measure.PARAMS, Map.of()));
            assertEquals(conv2dParameters(model), plan.before(CompressionTarget.Measure.PARAMS));
            none.skipped().stream()
                    .filter(s -> s.name().startsWith("layer1"))
                    .forEach(s -> assertEquals("left whole by the plan allocation", s.reason()));
        }
    }

    @Test
    void theDocumentedExampleRuns() {
        ModelGraph model = RankPoliciesTest.generated(30);
        DecompositionOptions options = options().build();
        // tag::plan[]
        DecompositionPlan plan = TensorDecompose.plan(model, options); // close it when done
        for (DecompositionPlan.Layer layer : plan.layers()) {
            // name(), mode(), singularValues(), whitened(), maxRank(), params(), relativeError(r)
            System.out.printf("%s: %d singular values%n", layer.name(), layer.fullRank());
        }
        Map<String, Integer> ranks = plan.allocate(CompressionTarget.params(0.4)); // 0 = unchanged
        DecompositionResult result = plan.build(ranks); // model, changes, reports, totals
        long after = plan.after(CompressionTarget.Measure.PARAMS, ranks);
        DecompositionResult other = plan.build(Map.of("layer1.0", 32), "my-search");
        // end::plan[]
        plan.close();
        assertEquals(conv2dParameters(result.model()), after);
        assertTrue(after <= 0.4 * conv2dParameters(model));
        assertEquals(1, other.layers().size());
        assertEquals("my-search", other.layers().get(0).policy());
        assertEquals(32, other.layers().get(0).rank());
    }

    @Test
    void badRankMapsNameTheLayerAndAClosedPlanRefusesToBuild() {
        ModelGraph model = RankPoliciesTest.generated(29);
        DecompositionPlan plan = plan(model, options());
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> plan.build(Map.of("nope", 16)));
        assertTrue(unknown.getMessage().contains("'nope'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("layer2.2"), unknown.getMessage());
        IllegalArgumentException high =
                assertThrows(
                        IllegalArgumentException.class, () -> plan.build(Map.of("layer2.2", 1000)));
        assertTrue(high.getMessage().contains("'layer2.2'"), high.getMessage());
        assertTrue(high.getMessage().contains("[0, "), high.getMessage());
        plan.close();
        plan.close();
        assertThrows(IllegalStateException.class, () -> plan.build(Map.of()));
    }
}
