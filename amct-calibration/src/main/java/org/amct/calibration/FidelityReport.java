package org.amct.calibration;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Fidelity#compare} measured: per output, how close the decomposed model stays to the
 * original on the samples, and how long each model takes in ONNX Runtime.
 *
 * @param samples the number of samples compared
 * @param outputs one entry per output of the original model, in its order
 * @param timing the inference times of both models
 */
public record FidelityReport(long samples, List<OutputFidelity> outputs, InferenceTiming timing) {
    /**
     * Copies the list.
     *
     * @param samples the number of samples compared
     * @param outputs one entry per output of the original model
     * @param timing the inference times of both models
     */
    public FidelityReport {
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(timing, "timing");
    }

    /**
     * The lowest mean cosine over the outputs: the figure {@code --min-cosine} is checked against.
     *
     * @return the smallest {@link OutputFidelity#meanCosine()}, 1 when there is no output
     */
    public double worstMeanCosine() {
        return outputs.stream().mapToDouble(OutputFidelity::meanCosine).min().orElse(1.0);
    }
}
