package org.amct.calibration;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.amct.api.CompressionTarget;
import org.amct.api.DataAwareFactors;
import org.amct.api.DecompositionOptions;
import org.amct.api.TensorDecompose;
import org.amct.api.graph.Tensor;
import org.amct.onnx.OnnxModel;

/**
 * Decomposition driven by calibration data (docs/calibration.md): data-aware factors from the
 * input-patch statistics, a budget's allocation refined by the measured end-to-end score, or the
 * smallest model that keeps a target mean output cosine. The calibration samples are any {@code
 * Iterable} of batches (input name to a tensor with a leading batch axis; {@link CalibrationData}
 * reads them from {@code .npy} files); they are iterated once per model scored, so an iterable that
 * reads from disk keeps memory flat.
 *
 * <pre>{@code
 * CalibratedResult run =
 *         CalibratedDecomposition.builder(model, batches)
 *                 .options(DecompositionOptions.builder()
 *                         .target(CompressionTarget.params(0.4)).build())
 *                 .build()
 *                 .run();
 * model.write(run.result().model(), out);
 * }</pre>
 *
 * <p>Without a budget or a target cosine it is {@link TensorDecompose#autoDecomposition} with
 * data-aware factors. With a budget ({@link DecompositionOptions#target()}) the plan allocates it
 * on the whitened spectra, then the refinement (on by default, {@link Builder#refine}) scores each
 * allocated layer at a few ranks with only that layer decomposed, reallocates the budget on those
 * measured losses, and keeps the result only if it scores higher end to end. The score is the mean
 * output cosine to the original on the calibration samples (the per-layer points on the first
 * {@link Builder#refineSamples} of them), or the caller's own {@link CandidateScore}.
 */
public final class CalibratedDecomposition {
    /** The samples each per-layer point of the refinement is scored on, by default. */
    public static final int DEFAULT_REFINE_SAMPLES = 16;

    private final OnnxModel model;
    private final Iterable<Map<String, Tensor>> calibration;
    private final DecompositionOptions options;
    private final boolean dataAware;
    private final double damping;
    private final boolean refine;
    private final int refineSamples;
    private final double targetCosine;
    private final CompressionTarget.Measure cosineMeasure;
    private final CandidateScore score;
    private final int threads;

    private CalibratedDecomposition(Builder b) {
        this.model = b.model;
        this.calibration = b.calibration;
        this.options = b.options;
        this.dataAware = b.dataAware;
        this.damping = b.damping;
        this.refine = b.refine;
        this.refineSamples = b.refineSamples;
        this.targetCosine = b.targetCosine;
        this.cosineMeasure = b.cosineMeasure;
        this.score = b.score;
        this.threads = b.threads;
    }

    /**
     * Starts a builder.
     *
     * @param model the original model
     * @param calibration the calibration batches; iterated again for every model scored
     * @return the builder
     */
    public static Builder builder(OnnxModel model, Iterable<Map<String, Tensor>> calibration) {
        return new Builder(model, calibration);
    }

    /** Settings of a calibrated decomposition. */
    public static final class Builder {
        private final OnnxModel model;
        private final Iterable<Map<String, Tensor>> calibration;
        private DecompositionOptions options = DecompositionOptions.defaults();
        private boolean dataAware = true;
        private double damping = DataAwareFactors.DEFAULT_DAMPING;
        private boolean refine = true;
        private int refineSamples = DEFAULT_REFINE_SAMPLES;
        private double targetCosine = Double.NaN;
        private CompressionTarget.Measure cosineMeasure = CompressionTarget.Measure.PARAMS;
        private CandidateScore score;
        private int threads;

        private Builder(OnnxModel model, Iterable<Map<String, Tensor>> calibration) {
            this.model = Objects.requireNonNull(model, "model");
            this.calibration = Objects.requireNonNull(calibration, "calibration");
        }

        /**
         * The decomposition options: backend, layer selection, rank policies, rank multiple, the
         * budget ({@link DecompositionOptions#target()}), the info file. Their {@code dataAware} is
         * replaced by this run's own statistics unless {@link #dataAware(boolean)} is false.
         *
         * @param value the options
         * @return this builder
         */
        public Builder options(DecompositionOptions value) {
            this.options = Objects.requireNonNull(value, "options");
            return this;
        }

        /**
         * Whether the factors are data-aware (default true): statistics are measured on the
         * calibration samples first.
         *
         * @param value false for the reference (weight-space) factors, or the options' own
         * @return this builder
         */
        public Builder dataAware(boolean value) {
            this.dataAware = value;
            return this;
        }

        /**
         * The damping {@code delta} of the measured moments ({@link DataAwareFactors#damping()}),
         * {@link DataAwareFactors#DEFAULT_DAMPING} by default.
         *
         * @param value {@code delta}, finite and {@code > 0}
         * @return this builder
         * @throws IllegalArgumentException if {@code value} is not finite and positive
         */
        public Builder damping(double value) {
            if (!(value > 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException("damping must be finite and > 0, got " + value);
            }
            this.damping = value;
            return this;
        }

        /**
         * Whether a budget's allocation is refined end to end (default true). Without a budget it
         * changes nothing.
         *
         * @param value false to keep the plan's allocation
         * @return this builder
         */
        public Builder refine(boolean value) {
            this.refine = value;
            return this;
        }

        /**
         * The calibration samples each per-layer point of the refinement is scored on: the first
         * batches up to this many (default {@value
         * CalibratedDecomposition#DEFAULT_REFINE_SAMPLES}); 0 means all. The start and the refined
         * allocation are scored on all of them.
         *
         * @param value {@code >= 0}
         * @return this builder
         */
        public Builder refineSamples(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("refineSamples must be >= 0, got " + value);
            }
            this.refineSamples = value;
            return this;
        }

        /**
         * Asks for the smallest model whose mean output cosine on the calibration samples is at
         * least {@code cosine}, searched over the budget fraction of the given measure; it replaces
         * the options' budget.
         *
         * @param cosine in {@code (-1, 1]}
         * @param measure what the budget counts: parameters or MACs of all Conv2d layers (MACs need
         *     {@link DecompositionOptions#inputSizes()})
         * @return this builder
         */
        public Builder targetCosine(double cosine, CompressionTarget.Measure measure) {
            if (!(cosine > -1 && cosine <= 1)) {
                throw new IllegalArgumentException(
                        "the target cosine must be in (-1, 1], got " + cosine);
            }
            this.targetCosine = cosine;
            this.cosineMeasure = Objects.requireNonNull(measure, "measure");
            return this;
        }

        /**
         * Scores candidates with the caller's own measure instead of the mean output cosine: it
         * drives the refinement (its per-layer points and the choice between the start and the
         * refined allocation). The target cosine, if any, is still the cosine.
         *
         * @param value the score, higher is better
         * @return this builder
         */
        public Builder score(CandidateScore value) {
            this.score = Objects.requireNonNull(value, "score");
            return this;
        }

        /**
         * ONNX Runtime's intra-op threads (default 0: all cores).
         *
         * @param value {@code >= 0}
         * @return this builder
         */
        public Builder threads(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("threads must be >= 0, got " + value);
            }
            this.threads = value;
            return this;
        }

        /**
         * Checks the settings.
         *
         * @return the run, ready
         * @throws IllegalArgumentException if a target cosine is combined with a budget in the
         *     options
         */
        public CalibratedDecomposition build() {
            if (!Double.isNaN(targetCosine) && options.target().isPresent()) {
                throw new IllegalArgumentException(
                        "A target cosine chooses the budget itself; it cannot be combined with the"
                                + " "
                                + options.target().get());
            }
            return new CalibratedDecomposition(this);
        }
    }

    /**
     * Runs: statistics (when data-aware), then the decomposition, the refinement or the search.
     *
     * @return the decomposition kept and what was measured
     * @throws IOException if the calibration data or the model's external data cannot be read
     * @throws InferenceException if ONNX Runtime cannot run a model
     * @throws CalibrationDataException if the calibration data holds no sample
     * @throws org.amct.api.exception.DecompositionException if the budget cannot be met, or no
     *     decomposition reaches the target cosine
     */
    public CalibratedResult run() throws IOException {
        Optional<PatchStatistics> statistics = Optional.empty();
        DecompositionOptions base = options;
        if (dataAware) {
            PatchStatistics s = PatchStatistics.collect(model, calibration, threads);
            statistics = Optional.of(s);
            base = withDataAware(options, new DataAwareFactors(s, damping));
        }
        boolean searching = !Double.isNaN(targetCosine);
        if (!searching && (options.target().isEmpty() || !refine)) {
            return new CalibratedResult(
                    TensorDecompose.autoDecomposition(model.graph(), base),
                    statistics,
                    Optional.empty(),
                    Optional.empty());
        }
        try (PlanRankSpace space = new PlanRankSpace(model.graph(), base)) {
            return plan(space, statistics, searching);
        }
    }

    /** The search or the refinement, on the plan. */
    private CalibratedResult plan(
            PlanRankSpace space, Optional<PatchStatistics> statistics, boolean searching)
            throws IOException {
        // With a caller's score and no target cosine, the original's outputs are not needed.
        OutputCosine cosine =
                searching || score == null
                        ? OutputCosine.measure(model, calibration, 0, threads)
                        : null;
        GreedyRefinement.RankScore byCosine =
                ranks -> cosine.score(new Candidate(model, space.build(ranks)));
        if (searching) {
            CosineSearch.Found found =
                    CosineSearch.search(
                            space, targetCosine, cosineMeasure, byCosine, cosine.samples());
            return new CalibratedResult(
                    space.finish(
                            found.ranks(),
                            Optional.of(found.target()),
                            "target-cosine:" + targetCosine),
                    statistics,
                    Optional.empty(),
                    Optional.of(found.report()));
        }
        CompressionTarget target = options.target().get();
        RefinementReport report;
        if (score == null) {
            OutputCosine curves = cosine.prefix(refineSamples);
            report =
                    GreedyRefinement.refine(
                            space,
                            target,
                            ranks -> curves.score(new Candidate(model, space.build(ranks))),
                            byCosine,
                            1.0,
                            "cosine",
                            curves.samples(),
                            cosine.samples());
        } else {
            GreedyRefinement.RankScore byCallback =
                    ranks -> score.score(new Candidate(model, space.build(ranks)));
            double original = byCallback.score(Map.of());
            report =
                    withOriginalCounted(
                            GreedyRefinement.refine(
                                    space,
                                    target,
                                    byCallback,
                                    byCallback,
                                    original,
                                    "callback",
                                    0,
                                    0));
        }
        return new CalibratedResult(
                space.finish(report.keptRanks()),
                statistics,
                Optional.of(report),
                Optional.empty());
    }

    private static RefinementReport withOriginalCounted(RefinementReport r) {
        return new RefinementReport(
                r.score(),
                r.startScore(),
                r.refinedScore(),
                r.refinedKept(),
                r.startRanks(),
                r.refinedRanks(),
                r.curveSamples(),
                r.samples(),
                r.evaluations() + 1,
                r.seconds(),
                r.curves());
    }

    private static DecompositionOptions withDataAware(DecompositionOptions o, DataAwareFactors d) {
        return new DecompositionOptions(
                o.backend(),
                o.threads(),
                o.decomposeInfoFile(),
                o.rankPolicy(),
                o.progress(),
                o.layerParallelism(),
                o.include(),
                o.exclude(),
                o.layerRankPolicies(),
                o.rankMultiple(),
                o.target(),
                o.inputSizes(),
                Optional.of(d));
    }
}
