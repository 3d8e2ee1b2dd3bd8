package org.amct.api;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
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
 */
public record DecompositionOptions(
        Optional<BackendId> backend,
        int threads,
        Optional<Path> decomposeInfoFile,
        RankPolicy rankPolicy,
        ProgressListener progress,
        int layerParallelism) {

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
     * @throws IllegalArgumentException if {@code threads} is negative
     */
    public DecompositionOptions {
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
    }

    /**
     * The defaults.
     *
     * @return automatic backend, all cores, no info file, the reference rank rule
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

        private Builder() {}

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
                    layerParallelism);
        }
    }
}
