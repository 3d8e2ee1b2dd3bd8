package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.amct.api.decompose.Unfolding;
import org.amct.api.exception.DecompositionException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Weights that break naive numerics: NaN, infinity, zeros, rank deficiency, denormals. */
class NumericHazardsTest {
    private static final int[] SHAPE = {96, 64, 3, 3};

    private static DecompositionResult decompose(double[] values, DType dtype)
            throws java.io.IOException {
        Conv2d conv =
                Conv2d.builder(64, 96, Size2d.square(3))
                        .withBias(false)
                        .weight(Tensor.fromDoubles(dtype, SHAPE, values))
                        .build();
        return TensorDecompose.autoDecomposition(
                ModelGraph.builder("Net").add("layer", conv).build(),
                DecompositionOptions.builder().backend("ejml").build());
    }

    private static void assertAllFinite(DecompositionResult result) {
        result.model()
                .stateDict()
                .forEach(
                        (name, t) ->
                                assertEquals(
                                        -1, t.firstNonFiniteIndex(), name + " has NaN or Inf"));
        assertTrue(Double.isFinite(result.layers().get(0).relativeError()));
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteWeightIsAnErrorNamingTheLayerAndTheIndex(double bad) {
        float[] values = new float[96 * 64 * 9];
        values[1234] = (float) bad; // Tensor.ofFloats keeps it; fromDoubles would clamp infinity
        Conv2d conv =
                Conv2d.builder(64, 96, Size2d.square(3))
                        .withBias(false)
                        .weight(Tensor.ofFloats(SHAPE, values))
                        .build();
        ModelGraph model = ModelGraph.builder("Net").add("layer", conv).build();
        DecompositionException e =
                assertThrows(
                        DecompositionException.class,
                        () -> TensorDecompose.autoDecomposition(model));
        assertTrue(
                e.getMessage().startsWith("Layer 'layer': weight element 1234 "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteBiasIsAnErrorNamingTheLayerAndTheIndex(double bad) {
        float[] bias = new float[96];
        bias[17] = (float) bad;
        Conv2d conv =
                Conv2d.builder(64, 96, Size2d.square(3))
                        .weight(Tensor.ofFloats(SHAPE, new float[96 * 64 * 9]))
                        .bias(Tensor.ofFloats(new int[] {96}, bias))
                        .build();
        ModelGraph model = ModelGraph.builder("Net").add("layer", conv).build();
        DecompositionException e =
                assertThrows(
                        DecompositionException.class,
                        () -> TensorDecompose.autoDecomposition(model));
        assertTrue(e.getMessage().startsWith("Layer 'layer': bias element 17 "), e.getMessage());
        assertTrue(e.getMessage().contains(Double.toString((float) bad)), e.getMessage());
    }

    @Test
    void aMegabyteLayerNameGivesABoundedMessage() {
        float[] values = new float[96 * 64 * 9];
        values[3] = Float.NaN;
        Conv2d conv =
                Conv2d.builder(64, 96, Size2d.square(3))
                        .withBias(false)
                        .weight(Tensor.ofFloats(SHAPE, values))
                        .build();
        String name = "n".repeat(1_000_000);
        ModelGraph model = ModelGraph.builder("Net").add(name, conv).build();
        DecompositionException e =
                assertThrows(
                        DecompositionException.class,
                        () -> TensorDecompose.autoDecomposition(model));
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters");
        assertTrue(
                e.getMessage().contains("...' (1,000,000 characters): weight element 3"),
                e.getMessage());
    }

    @Test
    void allZeroWeightGetsTheLowerClampRoundedAndZeroFactors() throws java.io.IOException {
        DecompositionResult result = decompose(new double[96 * 64 * 9], DType.FLOAT32);
        assertAllFinite(result);
        // L = 192: no singular value exceeds the threshold 0, so the clamp band [27, 32] decides.
        assertEquals(32, result.layers().get(0).rank());
        assertEquals(0.0, result.layers().get(0).relativeError());
    }

    @Test
    void rankDeficientWeightDecomposesWithoutNaN() throws java.io.IOException {
        // Rank 1: W[o, i, p, q] = a[o] * b[i] * c[p] * d[q].
        double[] values = new double[96 * 64 * 9];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.sin(i / 576 + 1.0) * Math.cos((i / 9) % 64 + 2.0) * (1 + i % 9);
        }
        DecompositionResult result = decompose(values, DType.FLOAT64);
        assertAllFinite(result);
        assertEquals(32, result.layers().get(0).rank());
        // Rank 1 is captured up to rounding: the Gram route's vectors are accurate to about
        // n eps (n x m the unfolding), so the residual is a small multiple of max(n, m) eps.
        LayerReport layer = result.layers().get(0);
        Unfolding unfolding =
                Unfolding.of(
                        Conv2d.builder(64, 96, Size2d.square(3))
                                .withBias(false)
                                .weight(Tensor.fromDoubles(DType.FLOAT64, SHAPE, values))
                                .build());
        double tolerance = 16 * Math.max(unfolding.rows(), unfolding.cols()) * Math.ulp(1.0);
        assertTrue(
                layer.relativeError() <= tolerance,
                "rank 1 is captured up to rounding: " + layer.relativeError() + " > " + tolerance);
    }

    @Test
    void denormalWeightsDecomposeWithoutNaN() throws java.io.IOException {
        double[] values = new double[96 * 64 * 9];
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        Arrays.setAll(values, i -> random.nextDouble(-1, 1) * Double.MIN_NORMAL / 8);
        DecompositionResult result = decompose(values, DType.FLOAT64);
        assertAllFinite(result);
        assertEquals(32, result.layers().get(0).rank());
    }

    @Test
    void float16FactorsThatWouldOverflowAreClampedCountedAndTheirErrorReported()
            throws java.io.IOException {
        double[] values = new double[96 * 64 * 9];
        Arrays.fill(values, 60000.0);
        DecompositionResult result = decompose(values, DType.FLOAT16);
        assertAllFinite(result);
        LayerReport layer = result.layers().get(0);
        Tensor first = result.model().stateDict().get("layer.0.weight");
        Tensor last = result.model().stateDict().get("layer.1.weight");
        // P^T A holds 60000 * sqrt(n) > 65504: those elements are stored at the limit.
        long atLimit = countAtLimit(first) + countAtLimit(last);
        assertTrue(layer.clampedElements() > 0, "clamped elements counted");
        assertEquals(atLimit, layer.clampedElements(), "each clamped element is stored as 65504");
        assertEquals(65504.0, Math.max(maxAbs(first), maxAbs(last)));
        // The float64 factors are exact (rank 1); the stored ones are not, and the report says so.
        double exact = 16 * 96 * 9 * Math.ulp(1.0); // a small multiple of max(n, m) eps
        assertTrue(layer.relativeError() < exact, "float64 error " + layer.relativeError());
        assertTrue(
                layer.storedRelativeError() > 0.1,
                "stored error " + layer.storedRelativeError() + " shows the clamping");
    }

    @Test
    void float16FactorsInRangeAreNotClampedAndTheStoredErrorIsWithinRounding()
            throws java.io.IOException {
        double[] values = new double[96 * 64 * 9];
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        Arrays.setAll(values, i -> random.nextDouble(-1, 1));
        DecompositionResult result = decompose(values, DType.FLOAT16);
        LayerReport layer = result.layers().get(0);
        assertEquals(0, layer.clampedElements());
        // Rounding P and C = P^T A to float16 (unit roundoff u = 2^-11) moves P C by at most
        // u (||P||_2 ||C||_F + ||P||_F ||C||_2)-ish; relative to ||A||: u (1 + sqrt(r)) (1 + u).
        double u = Math.scalb(1.0, -11);
        double bound = u * (1 + Math.sqrt(layer.rank())) * (1 + u);
        double difference = Math.abs(layer.storedRelativeError() - layer.relativeError());
        assertTrue(
                difference <= bound,
                "stored "
                        + layer.storedRelativeError()
                        + " vs float64 "
                        + layer.relativeError()
                        + ": difference "
                        + difference
                        + " > "
                        + bound);
        assertTrue(difference > 0, "float16 rounding changes the error");
    }

    @Test
    void float64FactorsAreStoredAsComputed() throws java.io.IOException {
        double[] values = new double[96 * 64 * 9];
        java.util.SplittableRandom random = new java.util.SplittableRandom(6);
        Arrays.setAll(values, i -> random.nextDouble(-1, 1));
        LayerReport layer = decompose(values, DType.FLOAT64).layers().get(0);
        assertEquals(0, layer.clampedElements());
        assertEquals(layer.relativeError(), layer.storedRelativeError());
    }

    private static long countAtLimit(Tensor t) {
        return Arrays.stream(t.toDoubles()).filter(v -> Math.abs(v) == 65504.0).count();
    }

    private static double maxAbs(Tensor t) {
        return Arrays.stream(t.toDoubles()).map(Math::abs).max().orElse(0);
    }
}
