package org.amct.calibration;

/**
 * The inference time of the original and the decomposed model in ONNX Runtime: the median over
 * {@code runs} runs on one batch, after warm-up runs, both models with the same threads, runs of
 * the two alternating.
 *
 * @param batchSize the samples per run
 * @param runs how many timed runs per model
 * @param threads the intra-op threads (0: ONNX Runtime's default)
 * @param originalMillis the original model's median time per run
 * @param decomposedMillis the decomposed model's median time per run
 */
public record InferenceTiming(
        int batchSize, int runs, int threads, double originalMillis, double decomposedMillis) {
    /**
     * How much faster the decomposed model runs.
     *
     * @return {@code originalMillis / decomposedMillis}
     */
    public double speedup() {
        return originalMillis / decomposedMillis;
    }
}
