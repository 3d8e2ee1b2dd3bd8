package org.amct.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.amct.api.DataAwareFactors;
import org.amct.calibration.CalibratedDecomposition;
import org.amct.calibration.CalibrationData;
import org.amct.calibration.Fidelity;
import org.amct.calibration.FidelityReport;
import org.amct.calibration.OrtModel;
import org.amct.calibration.PatchStatistics;
import org.amct.onnx.OnnxModel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The calibration options of {@code decompose}: {@code --calibration} (data-aware factors), {@code
 * --calibration-samples}, {@code --target-cosine}, {@code --no-refine}, {@code --refine-samples},
 * {@code --verify} and {@code --min-cosine}.
 */
final class CalibrationOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = "--calibration",
            paramLabel = "PATH|NAME=PATH",
            description =
                    "Calibration data: a .npy file with a leading batch axis or a folder of .npy"
                            + " files (float32, float64 or uint8); NAME=PATH once per input when"
                            + " the model has several. Makes the factors data-aware: each layer"
                            + " minimises its output error on this data (same ranks; with"
                            + " --target-params or --target-macs the budget is allocated on the"
                            + " whitened spectra).")
    private List<String> calibration = new ArrayList<>();

    private int samples;

    @Option(
            names = "--calibration-samples",
            paramLabel = "N",
            description =
                    "Use at most N samples of the calibration and verify data (default: all).")
    void samples(int value) {
        if (value < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--calibration-samples must be >= 1, got " + value);
        }
        samples = value;
    }

    @Option(
            names = "--verify",
            paramLabel = "PATH|NAME=PATH",
            description =
                    "After decomposing, run both models in ONNX Runtime on these inputs (same"
                            + " forms as --calibration) and report their agreement (as 'amct"
                            + " verify'), also in report.json.")
    private List<String> verify = new ArrayList<>();

    private double damping = DataAwareFactors.DEFAULT_DAMPING;

    @Option(
            names = "--damping",
            paramLabel = "DELTA",
            description =
                    "With --calibration: the damping of the measured input moments, S + DELTA *"
                            + " mean(diag S) * I (default "
                            + DataAwareFactors.DEFAULT_DAMPING
                            + "; smaller fits the calibration data more closely, larger stays"
                            + " closer to the weight-space factors).")
    void damping(double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new ParameterException(
                    spec.commandLine(), "--damping must be finite and > 0, got " + value);
        }
        damping = value;
        dampingGiven = true;
    }

    private boolean dampingGiven;

    private Double minCosine;

    @Option(
            names = "--min-cosine",
            paramLabel = "C",
            description =
                    "With --verify: exit 6 when an output's mean cosine to the original is below C"
                            + " (the outputs are written all the same).")
    void minCosine(double value) {
        minCosine = checkCosine(spec, value);
    }

    private Double targetCosine;

    @Option(
            names = "--target-cosine",
            paramLabel = "C",
            description =
                    "With --calibration: the smallest model (fraction of all Conv2d weights and"
                            + " biases) whose mean output cosine to the original on the"
                            + " calibration data is at least C, found by bisection on the budget"
                            + " (each candidate run in ONNX Runtime). Not with --target-params or"
                            + " --target-macs.")
    void targetCosine(double value) {
        if (!(value > -1 && value <= 1)) {
            throw new ParameterException(
                    spec.commandLine(), "--target-cosine must be in (-1, 1], got " + value);
        }
        targetCosine = value;
    }

    @Option(
            names = "--no-refine",
            description =
                    "With --calibration and --target-params or --target-macs: keep the budget's"
                            + " allocation on the whitened spectra, without the end-to-end"
                            + " refinement (which runs by default and is kept only when it"
                            + " measures better).")
    private boolean noRefine;

    private Integer refineSamples;

    @Option(
            names = "--refine-samples",
            paramLabel = "N",
            description =
                    "Score each per-layer point of the refinement on the first N calibration"
                            + " samples (default "
                            + CalibratedDecomposition.DEFAULT_REFINE_SAMPLES
                            + "); the start and the refined allocation are scored on all of them.")
    void refineSamples(int value) {
        if (value < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--refine-samples must be >= 1, got " + value);
        }
        refineSamples = value;
    }

    static double checkCosine(CommandSpec spec, double value) {
        if (!(value >= -1 && value <= 1)) {
            throw new ParameterException(
                    spec.commandLine(), "--min-cosine must be between -1 and 1, got " + value);
        }
        return value;
    }

    /**
     * Adds the files of {@code --calibration} and {@code --verify} to the inputs no output may
     * replace.
     *
     * @param inputs the command's inputs
     * @return {@code inputs}
     * @throws IOException if a folder cannot be listed
     */
    InputPaths addInputs(InputPaths inputs) throws IOException {
        return inputs.addData("--calibration", calibration).addData("--verify", verify);
    }

    /** {@code --damping}, or the default. */
    double damping() {
        return damping;
    }

    /** Whether {@code --calibration} was given. */
    boolean calibrated() {
        return !calibration.isEmpty();
    }

    /**
     * {@code --target-cosine}, when given.
     *
     * @param budget whether {@code --target-params} or {@code --target-macs} was given
     */
    Optional<Double> targetCosine(boolean budget) {
        if (targetCosine != null && calibration.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--target-cosine needs --calibration PATH: the cosine is measured on it");
        }
        if (targetCosine != null && budget) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--target-cosine chooses the budget itself; it cannot be combined with"
                            + " --target-params or --target-macs");
        }
        return Optional.ofNullable(targetCosine);
    }

    /** Whether the refinement runs: with calibration data and a budget, unless --no-refine. */
    boolean refine() {
        if (dampingGiven && calibration.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--damping needs --calibration PATH (it damps the moments measured on it)");
        }
        if ((noRefine || refineSamples != null) && calibration.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    (noRefine ? "--no-refine" : "--refine-samples")
                            + " needs --calibration PATH (the refinement runs on it)");
        }
        return !noRefine;
    }

    /** {@code --refine-samples}, or the default. */
    int refineSamples() {
        return refineSamples == null
                ? CalibratedDecomposition.DEFAULT_REFINE_SAMPLES
                : refineSamples;
    }

    /** Whether {@code --verify} was given. */
    boolean verifying() {
        return !verify.isEmpty();
    }

    /** {@code --min-cosine}, when given. */
    Optional<Double> minimumCosine() {
        if (minCosine != null && verify.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--min-cosine needs --verify PATH");
        }
        return Optional.ofNullable(minCosine);
    }

    /**
     * Measures the statistics on the calibration data and returns the data-aware setting.
     *
     * @param model the model read from {@code file}
     * @param file its path
     * @param threads ONNX Runtime threads
     * @param err where to say what was measured
     */
    DataAwareFactors dataAware(OnnxModel model, CalibrationData data, int threads, PrintWriter err)
            throws IOException {
        PatchStatistics statistics = PatchStatistics.collect(model, data, threads);
        err.printf(
                Locale.ROOT,
                "Calibration: input-patch statistics of %d layers from %d samples in %.2f s%n",
                statistics.all().size(),
                statistics.samples(),
                statistics.seconds());
        err.flush();
        return new DataAwareFactors(statistics, damping);
    }

    /**
     * Opens the calibration data.
     *
     * @param file the model
     * @param threads ONNX Runtime threads
     */
    CalibrationData data(Path file, int threads) throws IOException {
        return open(calibration, file, threads);
    }

    /** Compares the decomposed model with the original on the {@code --verify} data. */
    FidelityReport verify(Path original, Path decomposed, int threads) throws IOException {
        CalibrationData data = open(verify, original, threads);
        return Fidelity.compare(original, decomposed, data, threads, Fidelity.DEFAULT_TIMED_RUNS);
    }

    private CalibrationData open(List<String> specs, Path model, int threads) throws IOException {
        return open(specs, model, threads, samples);
    }

    /** Opens the data for a model's inputs (loading the model in ONNX Runtime to read them). */
    static CalibrationData open(List<String> specs, Path model, int threads, int samples)
            throws IOException {
        try (OrtModel ort = OrtModel.open(model, threads)) {
            return CalibrationData.open(specs, ort.inputs(), samples);
        }
    }
}
