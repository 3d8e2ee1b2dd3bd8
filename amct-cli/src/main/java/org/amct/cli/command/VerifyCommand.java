package org.amct.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.amct.calibration.CalibrationData;
import org.amct.calibration.Fidelity;
import org.amct.calibration.FidelityReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code amct verify}: how close a decomposed model's outputs stay to the original's. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Runs ORIGINAL and DECOMPOSED in ONNX Runtime on the same inputs and reports, per"
                    + " output, the mean and minimum cosine similarity, the relative L2 and largest"
                    + " absolute difference, top-1 agreement for class scores (2-D outputs with"
                    + " more than one column), and the median inference time of both models.",
            "Exits 6 when an output's mean cosine is below --min-cosine."
        })
final class VerifyCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ORIGINAL.onnx", description = "The original model.")
    private Path original;

    @Parameters(index = "1", paramLabel = "DECOMPOSED.onnx", description = "The decomposed model.")
    private Path decomposed;

    @Option(
            names = "--inputs",
            required = true,
            paramLabel = "PATH|NAME=PATH",
            description =
                    "The inputs: a .npy file with a leading batch axis or a folder of .npy files"
                            + " (float32, float64 or uint8); NAME=PATH once per input when the"
                            + " model has several.")
    private List<String> inputs = new ArrayList<>();

    private double minCosine = Double.NaN;

    @Option(
            names = "--min-cosine",
            paramLabel = "C",
            description = "Exit 6 when an output's mean cosine is below C.")
    void minCosine(double value) {
        minCosine = CalibrationOptions.checkCosine(spec, value);
    }

    private int samples;

    @Option(
            names = "--samples",
            paramLabel = "N",
            description = "Use at most N samples of the inputs (default: all).")
    void samples(int value) {
        if (value < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--samples must be >= 1, got " + value);
        }
        samples = value;
    }

    private int runs = Fidelity.DEFAULT_TIMED_RUNS;

    @Option(
            names = "--runs",
            paramLabel = "N",
            description = "Timed runs per model for the inference time (default: 7).")
    void runs(int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), "--runs must be >= 1, got " + value);
        }
        runs = value;
    }

    private int threads;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "ONNX Runtime threads for both models; 0 (default) means all processors.")
    void threads(int value) {
        if (value < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--threads must be >= 0, got " + value);
        }
        threads = value;
    }

    @Option(names = "--json", description = "Print the report as JSON instead of a table.")
    private boolean json;

    @Override
    public Integer call() throws IOException {
        Inputs.readable(original, "model");
        Inputs.readable(decomposed, "model");
        CalibrationData data = CalibrationOptions.open(inputs, original, threads, samples);
        FidelityReport report = Fidelity.compare(original, decomposed, data, threads, runs);
        if (json) {
            ObjectNode root = MAPPER.createObjectNode();
            root.put("original", original.toString());
            root.put("decomposed", decomposed.toString());
            FidelityOutput.json(root, report, minCosine);
            spec.commandLine().getOut().println(MAPPER.writeValueAsString(root));
        } else {
            FidelityOutput.print(spec.commandLine().getOut(), report);
        }
        spec.commandLine().getOut().flush();
        return FidelityOutput.check(report, minCosine, spec.commandLine().getErr()).code();
    }
}
