package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.amct.api.decompose.LayerCost;
import org.amct.api.decompose.RankRules;
import org.amct.api.decompose.Unfolding;
import org.amct.api.exception.DecompositionException;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Padding;
import org.amct.api.graph.Size2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The opt-in rank policies, layer selection and budgets of docs/design/ALGORITHM.md section 8. */
class RankPoliciesTest {
    @TempDir Path temp;

    private static Conv2d conv(int in, int out, int k, int stride, SplittableRandom random) {
        return Conv2d.builder(in, out, Size2d.square(k))
                .stride(Size2d.square(stride))
                .padding(Padding.symmetric(k / 2, k / 2))
                .dtype(DType.FLOAT64)
                .random(random)
                .build();
    }

    /** Six eligible convs of four shapes and one ineligible 1x1, with random weights. */
    static ModelGraph generated(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return ModelGraph.builder("Generated")
                .add("stem", conv(3, 64, 7, 2, random))
                .add(
                        "layer1",
                        ModelGraph.builder("Sequential")
                                .add("0", conv(64, 64, 3, 1, random))
                                .add("1", conv(64, 64, 3, 1, random))
                                .buildLayer())
                .add(
                        "layer2",
                        ModelGraph.builder("Sequential")
                                .add("0", conv(64, 128, 3, 2, random))
                                .add("1", conv(128, 128, 3, 1, random))
                                .add("2", conv(128, 256, 3, 2, random))
                                .buildLayer())
                .add("head", conv(256, 10, 1, 1, random))
                .build();
    }

    private static Map<String, Size2d> inputSizes() {
        Map<String, Size2d> sizes = new LinkedHashMap<>();
        sizes.put("stem", new Size2d(64, 64));
        sizes.put("layer1.0", new Size2d(32, 32));
        sizes.put("layer1.1", new Size2d(32, 32));
        sizes.put("layer2.0", new Size2d(32, 32));
        sizes.put("layer2.1", new Size2d(16, 16));
        sizes.put("layer2.2", new Size2d(16, 16));
        sizes.put("head", new Size2d(8, 8));
        return sizes;
    }

    private static DecompositionResult run(DecompositionOptions.Builder options, ModelGraph m)
            throws IOException {
        return TensorDecompose.autoDecomposition(m, options.threads(1).build());
    }

    private static Map<String, Integer> ranks(DecompositionResult result) {
        return result.layers().stream()
                .collect(
                        Collectors.toMap(
                                LayerReport::name,
                                LayerReport::rank,
                                (a, b) -> a,
                                LinkedHashMap::new));
    }

    private static Map<String, String> skipped(DecompositionResult result) {
        return result.skipped().stream()
                .collect(
                        Collectors.toMap(
                                SkippedLayer::name,
                                SkippedLayer::reason,
                                (a, b) -> a,
                                LinkedHashMap::new));
    }

    @Test
    void policiesParseAndPrintTheirSpelling() {
        for (String spelling : List.of("amct", "full", "rank:64", "energy:0.9", "ratio:0.25")) {
            assertEquals(spelling, RankPolicy.parse(spelling).toString());
        }
        assertEquals(RankPolicy.rank(32), RankPolicy.parse("32"));
        assertEquals(RankPolicy.AUTO, RankPolicy.parse(" AMCT "));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RankPolicy.parse("energy:1.5"));
        assertTrue(e.getMessage().contains("energy:1.5") && e.getMessage().contains("(0, 1]"));
        assertThrows(IllegalArgumentException.class, () -> RankPolicy.parse("rank:0"));
        assertThrows(IllegalArgumentException.class, () -> RankPolicy.parse("svd"));
    }

    @Test
    void energyIsTheSmallestRankKeepingTheFractionRoundedUp() {
        double[] s = {4, 3, 2, 1}; // squares 16, 9, 4, 1 of 30
        assertEquals(1, RankRules.energyRank(s, 0.5, 1)); // 16 >= 15
        assertEquals(2, RankRules.energyRank(s, 0.5, 2));
        assertEquals(3, RankRules.energyRank(s, 0.9, 1)); // 25 < 27 <= 29
        assertEquals(2, RankRules.energyRank(s, 25.0 / 30, 1)); // exactly 25
        assertEquals(4, RankRules.energyRank(s, 0.9, 16)); // rounded up, clamped to n
        assertEquals(4, RankRules.energyRank(s, 1.0, 1));
    }

    @Test
    void ratioIsTheNearestMultipleToTheFractionOfTheWeights() {
        Conv2d c = conv(64, 64, 3, 1, new SplittableRandom(1)); // n = m = 192, 36,864 weights
        // 0.25 * 36864 / 384 = 24 = 1.5 multiples of 16: halves round up.
        assertEquals(32, RankRules.ratioRank(c, 0.25, 16));
        assertEquals(24, RankRules.ratioRank(c, 0.25, 8));
        assertEquals(16, RankRules.ratioRank(c, 0.1, 16)); // 9.6: at least one multiple
        assertEquals(48, RankRules.ratioRank(c, 0.5, 16)); // 48 exactly
        assertEquals(96, RankRules.ratioRank(c, 1.0, 16)); // pair as large as the layer
    }

    @Test
    void aPairThatIsNotSmallerIsNotApplied() throws IOException {
        Conv2d c = conv(64, 64, 3, 1, new SplittableRandom(2));
        double[] s = new double[192];
        java.util.Arrays.fill(s, 1.0);
        assertTrue(PolicyRules.decide(RankPolicy.rank(95), s, c, 16).decomposes());
        var at96 = PolicyRules.decide(RankPolicy.rank(96), s, c, 16);
        assertFalse(at96.decomposes());
        assertEquals(
                "not smaller: rank 96 gives two convs of 36,864 weights, the layer has 36,864",
                at96.unchangedReason().get());
        assertEquals(192, PolicyRules.decide(RankPolicy.rank(500), s, c, 16).choice().rank());
        assertTrue(PolicyRules.decide(RankPolicy.FULL, s, c, 16).decomposes(), "full checks");
        assertEquals(95, RankRules.largestSmallerRank(c));

        DecompositionResult result =
                run(DecompositionOptions.builder().rankPolicy(RankPolicy.ratio(1.0)), generated(3));
        // Only the 7x7 stem (n = 21, m = 448) has a smaller pair near its own size.
        assertEquals(List.of("stem"), List.copyOf(ranks(result).keySet()));
        assertTrue(skipped(result).get("layer1.0").startsWith("not smaller: rank 96"));
        assertTrue(skipped(result).get("layer2.2").startsWith("not smaller: rank 256"));
    }

    @Test
    void eachPolicyGivesItsRankEndToEnd() throws IOException {
        ModelGraph model = generated(4);
        DecompositionResult fixed =
                run(DecompositionOptions.builder().rankPolicy(RankPolicy.rank(20)), model);
        ranks(fixed).forEach((name, rank) -> assertEquals(name.equals("stem") ? 20 : 20, rank));
        fixed.layers().forEach(l -> assertEquals("rank:20", l.policy()));
        for (LayerReport layer : fixed.layers()) {
            double[] s = layer.spectrum().singularValues();
            double tail = 0;
            double total = 0;
            for (int i = 0; i < s.length; i++) {
                total += s[i] * s[i];
                tail += i >= 20 ? s[i] * s[i] : 0;
            }
            assertEquals(Math.sqrt(tail / total), layer.relativeError(), 1e-9, layer.name());
        }
        DecompositionResult energy =
                run(DecompositionOptions.builder().rankPolicy(RankPolicy.energy(0.8)), model);
        for (LayerReport layer : energy.layers()) {
            assertEquals(
                    RankRules.energyRank(layer.spectrum().singularValues(), 0.8, 16),
                    layer.rank(),
                    layer.name());
            assertEquals(0, layer.rank() % 16, layer.name());
        }
        DecompositionResult ratio =
                run(DecompositionOptions.builder().rankPolicy(RankPolicy.ratio(0.3)), model);
        for (LayerReport layer : ratio.layers()) {
            Conv2d c = (Conv2d) model.find(layer.name()).orElseThrow();
            assertEquals(RankRules.ratioRank(c, 0.3, 16), layer.rank(), layer.name());
        }
        DecompositionResult eights = run(DecompositionOptions.builder().rankMultiple(8), model);
        DecompositionResult reference = run(DecompositionOptions.builder(), model);
        eights.layers().forEach(l -> assertEquals(0, l.rank() % 8, l.name()));
        reference.layers().forEach(l -> assertEquals("amct", l.policy()));
        assertEquals(
                ranks(reference),
                ranks(run(DecompositionOptions.builder().rankMultiple(16), model)));
    }

    @Test
    void includeAndExcludeSelectLayersByNameOrGlob() throws IOException {
        ModelGraph model = generated(5);
        DecompositionResult excluded =
                run(DecompositionOptions.builder().exclude("layer2.*").exclude("stem"), model);
        assertEquals(List.of("layer1.0", "layer1.1"), List.copyOf(ranks(excluded).keySet()));
        assertEquals("excluded", skipped(excluded).get("stem"));
        assertEquals("excluded", skipped(excluded).get("layer2.1"));
        assertEquals(
                List.of("stem", "layer2.0", "layer2.1", "layer2.2", "head"),
                List.copyOf(skipped(excluded).keySet()),
                "model order");
        DecompositionResult included =
                run(DecompositionOptions.builder().include("layer2.?").exclude("layer2.1"), model);
        assertEquals(List.of("layer2.0", "layer2.2"), List.copyOf(ranks(included).keySet()));
        assertEquals("excluded", skipped(included).get("layer1.0"));
        assertEquals("excluded", skipped(included).get("layer2.1"), "exclude wins");
        DecompositionException typo =
                assertThrows(
                        DecompositionException.class,
                        () -> run(DecompositionOptions.builder().exclude("layer3.0"), model));
        assertTrue(
                typo.getMessage().contains("'layer3.0' is not a Conv2d layer"), typo.getMessage());
    }

    @Test
    void anExactNameWinsOverAGlobAndTheFirstGlobOverLaterOnes() throws IOException {
        ModelGraph model = generated(6);
        DecompositionResult result =
                run(
                        DecompositionOptions.builder()
                                .layerRankPolicy("layer2.*", RankPolicy.rank(16))
                                .layerRankPolicy("layer2.1", RankPolicy.rank(48))
                                .layerRankPolicy("layer*", RankPolicy.rank(32))
                                .rankPolicy(RankPolicy.energy(0.5)),
                        model);
        Map<String, String> policies =
                result.layers().stream()
                        .collect(Collectors.toMap(LayerReport::name, LayerReport::policy));
        assertEquals("rank:16", policies.get("layer2.0"));
        assertEquals("rank:48", policies.get("layer2.1"));
        assertEquals("rank:16", policies.get("layer2.2"));
        assertEquals("rank:32", policies.get("layer1.0"));
        assertEquals("energy:0.5", policies.get("stem"));
        assertEquals(48, ranks(result).get("layer2.1"));
    }

    @Test
    void aParameterTargetIsMetFromBelowWithinOneRoundingStep() throws IOException {
        ModelGraph model = generated(7);
        for (double fraction : new double[] {0.3, 0.45, 0.6, 0.8}) {
            DecompositionResult result =
                    run(
                            DecompositionOptions.builder()
                                    .target(CompressionTarget.params(fraction)),
                            model);
            TargetReport target = result.target().orElseThrow();
            long all = conv2dParameters(model);
            assertEquals(all, target.before());
            assertEquals((long) Math.floor(fraction * all), target.limit());
            assertEquals(conv2dParameters(result.model()), target.after(), "counted as built");
            assertEquals(target.after(), result.totals().paramsAfter());
            assertTrue(target.after() <= target.limit(), fraction + ": " + target);
            assertTrue(
                    target.limit() - target.after() < maxStep(model, 16), fraction + ": " + target);
            result.layers().forEach(l -> assertEquals("target-params:" + fraction, l.policy()));
            result.layers().forEach(l -> assertEquals(0, l.rank() % 16, l.name()));
        }
    }

    @Test
    void aMacTargetCountsMultiplyAccumulatesAtTheInputShape() throws IOException {
        ModelGraph model = generated(8);
        DecompositionResult result =
                run(
                        DecompositionOptions.builder()
                                .inputSizes(inputSizes())
                                .rankMultiple(8)
                                .target(CompressionTarget.macs(0.5)),
                        model);
        TargetReport target = result.target().orElseThrow();
        long before = 0;
        for (Map.Entry<String, Size2d> e : inputSizes().entrySet()) {
            before += LayerCost.macsOf((Conv2d) model.find(e.getKey()).orElseThrow(), e.getValue());
        }
        assertEquals(before, target.before());
        assertEquals(before, result.totals().macsBefore().getAsLong());
        assertEquals(target.after(), result.totals().macsAfter().getAsLong());
        assertTrue(target.after() <= target.limit(), target.toString());
        long step = 0;
        for (LayerReport layer : result.layers()) {
            Conv2d c = (Conv2d) model.find(layer.name()).orElseThrow();
            LayerCost cost = LayerCost.macs(c, inputSizes().get(layer.name()));
            step = Math.max(step, 8 * cost.perRank());
            assertEquals(cost.after(layer.rank()), layer.macsAfterAtInput().getAsLong());
        }
        assertTrue(target.limit() - target.after() < Math.max(step, 1), target.toString());
        DecompositionException missing =
                assertThrows(
                        DecompositionException.class,
                        () ->
                                run(
                                        DecompositionOptions.builder()
                                                .target(CompressionTarget.macs(0.5)),
                                        model));
        assertTrue(missing.getMessage().contains("input size"), missing.getMessage());
    }

    @Test
    void aTargetTheSmallestRanksCannotMeetIsAnErrorAndLayersWithOwnRanksAreKept()
            throws IOException {
        ModelGraph model = generated(9);
        DecompositionException e =
                assertThrows(
                        DecompositionException.class,
                        () ->
                                run(
                                        DecompositionOptions.builder()
                                                .target(CompressionTarget.params(0.01)),
                                        model));
        assertTrue(e.getMessage().contains("cannot be met"), e.getMessage());
        DecompositionResult result =
                run(
                        DecompositionOptions.builder()
                                .layerRankPolicy("layer1.0", RankPolicy.rank(16))
                                .exclude("stem")
                                .target(CompressionTarget.params(0.5)),
                        model);
        assertEquals(16, ranks(result).get("layer1.0"));
        assertEquals("rank:16", result.layers().get(0).policy());
        assertEquals("excluded", skipped(result).get("stem"));
        assertTrue(result.target().get().after() <= result.target().get().limit());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        DecompositionOptions.builder()
                                .rankPolicy(RankPolicy.energy(0.9))
                                .target(CompressionTarget.params(0.5))
                                .build());
    }

    @Test
    void theDocumentedExampleRuns() throws IOException {
        ModelGraph model = generated(13);
        // tag::options[]
        DecompositionOptions options =
                DecompositionOptions.builder()
                        .exclude("stem") // leave the first conv whole ("excluded")
                        .layerRankPolicy("layer2.*", RankPolicy.energy(0.5))
                        .layerRankPolicy("layer2.1", RankPolicy.rank(48)) // exact name wins
                        .target(CompressionTarget.params(0.5)) // the others share the rest
                        .build();
        DecompositionResult result = TensorDecompose.autoDecomposition(model, options);
        TargetReport target = result.target().orElseThrow();
        System.out.printf("%,d of at most %,d parameters%n", target.after(), target.limit());
        // end::options[]
        assertTrue(target.after() <= target.limit());
        assertEquals(48, ranks(result).get("layer2.1"));
    }

    @Test
    void theInfoFileOfANonDefaultRunRestructuresAFreshModelTheSameWay() throws IOException {
        Path info = temp.resolve("decompose_info.json");
        DecompositionResult online =
                run(
                        DecompositionOptions.builder()
                                .decomposeInfoFile(info)
                                .layerRankPolicy("layer2.*", RankPolicy.ratio(0.3))
                                .target(CompressionTarget.params(0.5)),
                        generated(10));
        Path weights = temp.resolve("weights.safetensors");
        Safetensors.write(weights, online.model().stateDict(), Map.of());
        NetworkDecomposition offline = TensorDecompose.decomposeNetwork(generated(11), info);
        assertEquals(online.changes(), offline.changes());
        ModelGraph loaded = offline.model().loadStateDict(Safetensors.read(weights).tensors());
        assertEquals(online.model().stateDict(), loaded.stateDict());
    }

    @Test
    void inspectShowsWhatARunWouldDoWithoutChangingAnything() throws IOException {
        ModelGraph model = generated(12);
        DecompositionOptions options =
                DecompositionOptions.builder()
                        .threads(1)
                        .inputSizes(inputSizes())
                        .exclude("stem")
                        .target(CompressionTarget.params(0.5))
                        .build();
        List<LayerInspection> inspected = TensorDecompose.inspect(model, options, true);
        DecompositionResult result = TensorDecompose.autoDecomposition(model, options);
        Map<String, LayerInspection> byName =
                inspected.stream()
                        .collect(Collectors.toMap(LayerInspection::name, Function.identity()));
        assertEquals("excluded", byName.get("stem").reason().orElseThrow());
        for (LayerReport layer : result.layers()) {
            LayerInspection i = byName.get(layer.name());
            assertEquals(layer.rank(), i.rank().getAsInt(), layer.name());
            assertEquals(layer.paramsAfter(), i.paramsAfter().getAsLong());
            assertEquals(layer.macsAfterAtInput(), i.macsAfter());
        }
        long after = inspected.stream().mapToLong(i -> i.paramsAfter().getAsLong()).sum();
        assertEquals(result.totals().paramsAfter(), after);
    }

    private static long conv2dParameters(ModelGraph model) {
        long sum = 0;
        for (var layer : model.layers().values()) {
            if (layer instanceof Conv2d c) {
                sum += c.parameterCount();
            }
        }
        return sum;
    }

    /** The weights one rank step adds to the widest eligible layer. */
    private static long maxStep(ModelGraph model, int multiple) {
        long step = 0;
        for (var layer : model.layers().values()) {
            if (layer instanceof Conv2d c && c.kernelSize().height() > 1) {
                Unfolding u = Unfolding.of(c);
                step = Math.max(step, (long) multiple * (u.rows() + u.cols()));
            }
        }
        return step;
    }
}
