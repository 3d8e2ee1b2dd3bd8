package org.amct.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.amct.api.graph.Size2d;
import org.amct.spi.BackendId;

/**
 * Settings of {@link TensorDecompose#autoDecomposition(org.amct.api.graph.ModelGraph,
 * DecompositionOptions)}. Build with {@link #builder()}; the defaults are those of the reference
 * tool plus the automatic backend choice.
 *
 * @param backend a backend to force by id; empty means the {@code amct.backend} property, then the
 *     {@code AMCT_BACKEND} variable, then the automatic choice
 * @param threads CPU threads a backend may use; 0 means automatic: the processors the machine's
 *     load leaves idle (see {@link org.amct.api.backend.ThreadPolicy})
 * @param decomposeInfoFile where to write the decomposition-info file, if anywhere
 * @param rankPolicy how ranks are chosen
 * @param progress told after each decomposed layer
 * @param layerParallelism how many layers may be factorized at once: 0 means as many as there are
 *     available processors when the backend is thread-safe, else 1; 1 means one at a time. Results
 *     are the same either way.
 * @param include layer-name patterns (exact or glob, {@code *} any run of characters, {@code ?}
 *     one): when not empty, only the Conv2d layers matching one are decomposed
 * @param exclude layer-name patterns: the Conv2d layers matching one are left unchanged, with the
 *     reason {@code "excluded"} (exclude wins over include)
 * @param layerRankPolicies per-layer policies by layer-name pattern, in order; an exact name wins
 *     over a glob, and among globs the first that matches wins
 * @param rankMultiple ranks are rounded to multiples of this (16, as the reference)
 * @param target a global budget on parameters or MACs, if any
 * @param inputSizes the input height and width of each Conv2d at the model's input shape, by layer
 *     name, where known: needed by a MAC target, and used to report MACs per inference
 * @param dataAware data-aware factors from calibration statistics; empty means the reference
 *     (weight-space) factors
 */
public record DecompositionOptions(
        Optional<BackendId> backend,
        int threads,
        Optional<Path> decomposeInfoFile,
        RankPolicy rankPolicy,
        ProgressListener progress,
        int layerParallelism,
        List<String> include,
        List<String> exclude,
        Map<String, RankPolicy> layerRankPolicies,
        int rankMultiple,
        Optional<CompressionTarget> target,
        Map<String, Size2d> inputSizes,
        Optional<DataAwareFactors> dataAware) {

    /**
     * Validates the settings.
     *
     * @param backend a backend to force by id; empty means the {@code amct.backend} property, then
     *     the {@code AMCT_BACKEND} variable, then the automatic choice
     * @param threads CPU threads a backend may use; 0 means automatic: the processors the machine's
     *     load leaves idle (see {@link org.amct.api.backend.ThreadPolicy})
     * @param decomposeInfoFile where to write the decomposition-info file, if anywhere
     * @param rankPolicy how ranks are chosen
     * @param progress told after each decomposed layer
     * @param layerParallelism how many layers may be factorized at once: 0 means as many as there
     *     are available processors when the backend is thread-safe, else 1; 1 means one at a time.
     *     Results are the same either way.
     * @param include layer-name patterns; when not empty, only matching layers are decomposed
     * @param exclude layer-name patterns whose layers are left unchanged ("excluded")
     * @param layerRankPolicies per-layer policies by layer-name pattern, in order
     * @param rankMultiple ranks are rounded to multiples of this, {@code >= 1}
     * @param target a global budget, if any
     * @param inputSizes the input height and width of each Conv2d, by layer name, where known
     * @param dataAware data-aware factors from calibration statistics; empty means the reference
     *     (weight-space) factors
     * @throws IllegalArgumentException if {@code threads} is negative, {@code rankMultiple} is not
     *     positive, a pattern is empty, or a target is combined with a rank policy other than
     *     {@link RankPolicy#AUTO} (the target chooses the ranks)
     */
    public DecompositionOptions {
        Objects.requireNonNull(dataAware, "dataAware");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(decomposeInfoFile, "decomposeInfoFile");
        Objects.requireNonNull(rankPolicy, "rankPolicy");
        Objects.requireNonNull(progress, "progress");
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        if (layerParallelism < 0) {
            throw new IllegalArgumentException(
                    "layerParallelism must be >= 0, got " + layerParallelism);
        }
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        layerRankPolicies = Collections.unmodifiableMap(new LinkedHashMap<>(layerRankPolicies));
        Objects.requireNonNull(target, "target");
        inputSizes = Collections.unmodifiableMap(new LinkedHashMap<>(inputSizes));
        for (List<String> patterns :
                List.of(include, exclude, List.copyOf(layerRankPolicies.keySet()))) {
            for (String pattern : patterns) {
                if (pattern.isBlank()) {
                    throw new IllegalArgumentException("A layer-name pattern is empty");
                }
            }
        }
        layerRankPolicies.values().forEach(v -> Objects.requireNonNull(v, "layer rank policy"));
        if (rankMultiple < 1) {
            throw new IllegalArgumentException("rankMultiple must be >= 1, got " + rankMultiple);
        }
        if (target.isPresent() && !rankPolicy.equals(RankPolicy.AUTO)) {
            throw new IllegalArgumentException(
                    "A "
                            + target.get()
                            + " allocates the ranks itself; it cannot be combined with the rank"
                            + " policy '"
                            + rankPolicy
                            + "' for all layers (give per-layer ranks instead)");
        }
    }

    /**
     * The defaults.
     *
     * @return automatic backend, all cores, no info file, the reference rank rule on every eligible
     *     layer, rank multiple 16, no target
     */
    public static DecompositionOptions defaults() {
        return builder().build();
    }

    /**
     * Starts a builder holding the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link DecompositionOptions}. Not thread-safe. */
    public static final class Builder {
        private BackendId backend;
        private int threads;
        private Path decomposeInfoFile;
        private RankPolicy rankPolicy = RankPolicy.AUTO;
        private ProgressListener progress = ProgressListener.NONE;
        private int layerParallelism;
        private final List<String> include = new ArrayList<>();
        private final List<String> exclude = new ArrayList<>();
        private final Map<String, RankPolicy> layerRankPolicies = new LinkedHashMap<>();
        private int rankMultiple = 16;
        private CompressionTarget target;
        private final Map<String, Size2d> inputSizes = new LinkedHashMap<>();
        private DataAwareFactors dataAware;

        private Builder() {}

        /**
         * Makes the factors data-aware: each layer's two new convs minimise the error of its output
         * on the calibration data that {@code value} was measured on.
         *
         * @param value the statistics and the damping
         * @return this builder
         */
        public Builder dataAware(DataAwareFactors value) {
            this.dataAware = Objects.requireNonNull(value, "dataAware");
            return this;
        }

        /**
         * Adds an include pattern: once any is given, only the Conv2d layers matching one are
         * decomposed.
         *
         * @param pattern a layer name, or a glob ({@code layer1.*})
         * @return this builder
         */
        public Builder include(String pattern) {
            include.add(Objects.requireNonNull(pattern, "pattern"));
            return this;
        }

        /**
         * Adds an exclude pattern: matching Conv2d layers are left unchanged, reason {@code
         * "excluded"}.
         *
         * @param pattern a layer name, or a glob ({@code layer1.*})
         * @return this builder
         */
        public Builder exclude(String pattern) {
            exclude.add(Objects.requireNonNull(pattern, "pattern"));
            return this;
        }

        /**
         * Sets the policy of the layers matching a pattern (an exact name wins over a glob; among
         * globs, the first added that matches). Setting a pattern again replaces its policy.
         *
         * @param pattern a layer name, or a glob
         * @param policy the policy for those layers
         * @return this builder
         */
        public Builder layerRankPolicy(String pattern, RankPolicy policy) {
            layerRankPolicies.put(
                    Objects.requireNonNull(pattern, "pattern"),
                    Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /**
         * Sets the multiple ranks are rounded to.
         *
         * @param value {@code >= 1}; 16 by default, as the reference
         * @return this builder
         */
        public Builder rankMultiple(int value) {
            this.rankMultiple = value;
            return this;
        }

        /**
         * Sets a global budget.
         *
         * @param value the target
         * @return this builder
         */
        public Builder target(CompressionTarget value) {
            this.target = Objects.requireNonNull(value, "target");
            return this;
        }

        /**
         * Sets the input height and width of Conv2d layers at the model's input shape (for a model
         * read from ONNX: {@code OnnxModel.convInputSizes()}).
         *
         * @param sizes by layer name
         * @return this builder
         */
        public Builder inputSizes(Map<String, Size2d> sizes) {
            inputSizes.putAll(Objects.requireNonNull(sizes, "sizes"));
            return this;
        }

        /**
         * Forces a backend.
         *
         * @param id the backend id, for example {@code "ejml"}
         * @return this builder
         * @throws IllegalArgumentException if the id is not of a valid form
         */
        public Builder backend(String id) {
            this.backend = BackendId.of(id);
            return this;
        }

        /**
         * Sets the CPU threads a backend may use.
         *
         * @param value {@code >= 0}; 0 means automatic (see {@link
         *     org.amct.api.backend.ThreadPolicy})
         * @return this builder
         */
        public Builder threads(int value) {
            this.threads = value;
            return this;
        }

        /**
         * Writes the decomposition-info file there.
         *
         * @param file the file to write (atomically)
         * @return this builder
         */
        public Builder decomposeInfoFile(Path file) {
            this.decomposeInfoFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Sets how ranks are chosen.
         *
         * @param value the policy
         * @return this builder
         */
        public Builder rankPolicy(RankPolicy value) {
            this.rankPolicy = Objects.requireNonNull(value, "rankPolicy");
            return this;
        }

        /**
         * Sets the listener told after each layer.
         *
         * @param value the listener
         * @return this builder
         */
        public Builder progress(ProgressListener value) {
            this.progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        /**
         * Sets how many layers may be factorized at once.
         *
         * @param value {@code >= 0}; 0 chooses from the backend and the processors
         * @return this builder
         */
        public Builder layerParallelism(int value) {
            this.layerParallelism = value;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public DecompositionOptions build() {
            return new DecompositionOptions(
                    Optional.ofNullable(backend),
                    threads,
                    Optional.ofNullable(decomposeInfoFile),
                    rankPolicy,
                    progress,
                    layerParallelism,
                    include,
                    exclude,
                    layerRankPolicies,
                    rankMultiple,
                    Optional.ofNullable(target),
                    inputSizes,
                    Optional.ofNullable(dataAware));
        }
    }
}
