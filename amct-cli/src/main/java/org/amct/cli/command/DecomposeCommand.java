package org.amct.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.amct.api.DecomposedWeights;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.SkippedLayer;
import org.amct.api.TensorDecompose;
import org.amct.api.exception.DecompositionException;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;
import org.amct.api.report.HtmlReport;
import org.amct.api.report.JsonReport;
import org.amct.onnx.OnnxModel;
import org.amct.onnx.UnmappedConv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code amct decompose}: decomposes every eligible Conv2d of an ONNX model. */
@Command(
        name = "decompose",
        mixinStandardHelpOptions = true,
        description = {
            "Decomposes every eligible Conv2d of MODEL into two thinner convs.",
            "Writes to DIR:",
            "  <model>_decomposed.onnx          the decomposed model",
            "  decompose_info.json              the decomposition info (when a layer changed)",
            "  decomposed_weights.safetensors   the state dict, with PyTorch names (idem)",
            "  report.json                      per layer: mode, rank, shapes, parameters, error",
            "  report.html                      spectra and size charts (with --report-html)"
        })
final class DecomposeCommand implements Callable<Integer> {
    static final String INFO_FILE = "decompose_info.json";
    static final String WEIGHTS_FILE = "decomposed_weights.safetensors";
    static final String REPORT_FILE = "report.json";

    /** The {@code __metadata__} key of the weights file that records the amct version. */
    static final String VERSION_KEY = "amct_version";

    /** How many layer names a message lists before it says how many more there are. */
    private static final int NAMES_SHOWN = 5;

    /** The picture report, written with {@code --report-html}. */
    static final String REPORT_HTML_FILE = "report.html";

    @Spec private CommandSpec spec;

    @ParentCommand private AmctCommand parent;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
    private Path model;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "The output folder (created if missing).")
    private Path output;

    @Option(names = "--overwrite", description = "Replace output files of an earlier run in DIR.")
    private boolean overwrite;

    @Option(
            names = "--report-html",
            description =
                    "Also write report.html: each layer's spectrum with the rank marks, and"
                            + " parameters and MACs before and after, for a browser.")
    private boolean reportHtml;

    @Mixin private BackendOptions backendOptions;

    @Override
    public Integer call() throws IOException {
        Inputs.readable(model, "model");
        String onnxName = Inputs.stem(model) + "_decomposed.onnx";
        try (OutputFolder folder =
                OutputFolder.prepare(
                        output,
                        overwrite,
                        List.of(
                                onnxName,
                                onnxName + ".data",
                                INFO_FILE,
                                WEIGHTS_FILE,
                                REPORT_FILE,
                                REPORT_HTML_FILE))) {
            OnnxModel onnx = OnnxModel.read(model);
            warnIfFolded(spec.commandLine().getErr(), onnx.foldedLayers());
            long start = System.nanoTime();
            DecompositionResult result;
            try {
                result = TensorDecompose.autoDecomposition(onnx.graph(), options(folder));
            } catch (DecompositionException e) {
                // The API names the layer; only the command knows the file.
                throw new DecompositionException(
                        e.category(), "Model '" + model + "': " + e.getMessage(), e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            writeOutputs(folder, onnxName, onnx, result, seconds);
            // All outputs appear together, or none (a failure above leaves DIR as it was).
            List<Path> written = folder.commit();
            print(
                    spec.commandLine().getOut(),
                    onnx,
                    result,
                    JsonReport.Totals.of(onnx.graph(), result),
                    seconds,
                    written);
        }
        return ExitCode.SUCCESS.code();
    }

    private DecompositionOptions options(OutputFolder folder) {
        DecompositionOptions.Builder options =
                backendOptions
                        .apply(DecompositionOptions.builder())
                        .decomposeInfoFile(folder.resolve(INFO_FILE));
        if (parent.isInteractive()) {
            options.progress(new ProgressBar(spec.commandLine().getErr()));
        }
        return options.build();
    }

    /** Stages the model, the weights (when a layer changed) and the reports. */
    private void writeOutputs(
            OutputFolder folder,
            String onnxName,
            OnnxModel onnx,
            DecompositionResult result,
            double seconds)
            throws IOException {
        onnx.write(result.model(), folder.resolve(onnxName));
        if (!result.changes().isEmpty()) {
            writeWeights(folder, onnx, result.model());
        }
        byte[] report =
                FoldedMarks.add(
                        JsonReport.toJson(
                                model.getFileName().toString(), onnx.graph(), result, seconds),
                        Set.copyOf(onnx.foldedLayers()));
        folder.write(REPORT_FILE, out -> out.write(report));
        if (reportHtml) {
            HtmlReport.write(result, folder.resolve(REPORT_HTML_FILE));
        }
    }

    /**
     * Writes the state dict: the Conv2d parameters of the decomposed graph, then the file's other
     * PyTorch parameters and buffers ({@link OnnxModel#otherParameters()}).
     */
    private Path writeWeights(OutputFolder folder, OnnxModel onnx, ModelGraph decomposed)
            throws IOException {
        Path file = folder.resolve(WEIGHTS_FILE);
        Map<String, Tensor> stateDict =
                new LinkedHashMap<>(DecomposedWeights.convParameters(decomposed));
        onnx.otherParameters().forEach(stateDict::putIfAbsent);
        // Sorted keys: the same run writes the same bytes.
        Map<String, String> metadata = new TreeMap<>();
        metadata.put("format", "pt");
        metadata.put("source", model.getFileName().toString());
        metadata.put(VERSION_KEY, AmctCommand.VERSION);
        Safetensors.write(file, stateDict, metadata);
        return file;
    }

    /**
     * Warns once when the exporter folded BatchNorm into convs: their weights are not the PyTorch
     * module's, so the weights file loads only into a model whose Conv and BatchNorm are fused.
     */
    static void warnIfFolded(PrintWriter err, List<String> folded) {
        if (folded.isEmpty()) {
            return;
        }
        err.println(
                "Warning: the weights of "
                        + folded.size()
                        + " Conv2d layers ("
                        + shortList(folded)
                        + ") have names the exporter made up (onnx::...): torch.onnx folded a"
                        + " BatchNorm into each of them, so they hold W * gamma / sqrt(var + eps)"
                        + " and a bias, not the PyTorch conv's own weights. "
                        + WEIGHTS_FILE
                        + " loads into a PyTorch model only after fusing each Conv with its"
                        + " BatchNorm (torch.nn.utils.fusion.fuse_conv_bn_eval) before"
                        + " decompose_network; or export with"
                        + " training=torch.onnx.TrainingMode.PRESERVE to keep the BatchNorm"
                        + " layers. report.json marks these layers \"weights_folded\"; see the"
                        + " PyTorch section of docs/java-guide.md.");
        err.flush();
    }

    /** The first few names, and how many more. */
    static String shortList(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
        return names.size() > NAMES_SHOWN
                ? shown + " and " + (names.size() - NAMES_SHOWN) + " more"
                : shown;
    }

    private static void print(
            PrintWriter out,
            OnnxModel onnx,
            DecompositionResult result,
            JsonReport.Totals totals,
            double seconds,
            List<Path> written) {
        if (result.layers().isEmpty()) {
            out.println(
                    "No Conv2d layer is eligible for decomposition: the model is written"
                            + " unchanged, with a report; no decomposition info or weights.");
        } else {
            LayerTable.decomposed(out, result.layers());
        }
        if (!result.skipped().isEmpty()) {
            out.println("Left unchanged:");
            for (SkippedLayer skipped : result.skipped()) {
                out.println("  " + skipped.name() + ": " + skipped.reason());
            }
        }
        for (UnmappedConv conv : onnx.unmappedConvs()) {
            out.println("  Conv node " + conv.node() + " (not a Conv2d): " + conv.reason());
        }
        out.printf(
                Locale.ROOT,
                "Decomposed %d of %d Conv2d layers on backend '%s' (%s) in %.2f s;"
                        + " Conv2d parameters %,d -> %,d (%.1f%%)%n",
                result.layers().size(),
                result.layers().size() + result.skipped().size(),
                result.backend().id(),
                result.backend().device(),
                seconds,
                totals.paramsBefore(),
                totals.paramsAfter(),
                100.0 * totals.paramsAfter() / Math.max(1, totals.paramsBefore()));
        written.forEach(file -> out.println("Wrote " + file));
    }
}
