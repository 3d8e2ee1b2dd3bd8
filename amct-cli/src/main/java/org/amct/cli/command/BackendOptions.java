package org.amct.cli.command;

import org.amct.api.DecompositionOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code --backend} and {@code --threads} options, shared by the commands that compute. */
final class BackendOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = "--backend",
            paramLabel = "ID",
            description =
                    "Force a backend by id (see 'amct backends'); default: the amct.backend"
                            + " property, then AMCT_BACKEND, then the best available.")
    private String backend;

    private int threads;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "CPU threads a backend may use; 0 (default) means automatic: the"
                            + " processors the load average leaves idle, at least 1.")
    void threads(int value) {
        if (value < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--threads must be >= 0, got " + value);
        }
        threads = value;
    }

    /**
     * Copies the options into a builder.
     *
     * @param builder the builder
     * @return the builder
     */
    DecompositionOptions.Builder apply(DecompositionOptions.Builder builder) {
        if (backend != null) {
            try {
                builder.backend(backend);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(
                        spec.commandLine(), "--backend '" + backend + "': " + e.getMessage());
            }
        }
        return builder.threads(threads);
    }
}
