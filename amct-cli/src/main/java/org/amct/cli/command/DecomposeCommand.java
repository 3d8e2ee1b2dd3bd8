package org.amct.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.amct.api.CompressionTarget;
import org.amct.api.DecomposedWeights;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.SkippedLayer;
import org.amct.api.TensorDecompose;
import org.amct.api.exception.DecompositionException;
import org.amct.api.exception.Quoted;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;
import org.amct.api.io.HeapShortage;
import org.amct.api.report.HtmlReport;
import org.amct.api.report.JsonReport;
import org.amct.api.report.ReportContext;
import org.amct.api.report.RunSummary;
import org.amct.calibration.CalibratedDecomposition;
import org.amct.calibration.CalibratedResult;
import org.amct.calibration.CalibrationData;
import org.amct.calibration.CosineSearchReport;
import org.amct.calibration.FidelityReport;
import org.amct.calibration.RefinementReport;
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
            "  report.json                      per layer: mode, rank, shapes, parameters, error;",
            "                                   the fidelity with --verify",
            "  report.html                      the report to decide with (with --report-html)",
            "When no layer is eligible, it says so with the reasons counted and writes only the"
                    + " reports (the unchanged model too with --write-unchanged)."
        })
final class DecomposeCommand implements Callable<Integer> {
    static final String INFO_FILE = "decompose_info.json";
    static final String WEIGHTS_FILE = "decomposed_weights.safetensors";

    /** The {@code __metadata__} key of the weights file that records the amct version. */
    static final String VERSION_KEY = "amct_version";

    /** How many layer names a message lists before it says how many more there are. */
    private static final int NAMES_SHOWN = 5;

    static final String REPORT_FILE = "report.json";

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

    @Option(
            names = "--write-unchanged",
            description =
                    "Write <model>_decomposed.onnx even when no layer is eligible (an unchanged"
                            + " copy).")
    private boolean writeUnchanged;

    @Mixin private BackendOptions backendOptions;

    @Mixin private CalibrationOptions calibration;
    @Mixin private RankOptions rankOptions;

    @Option(
            names = "--ranks",
            paramLabel = "FILE.json|LAYER=R[,LAYER=R...]",
            description =
                    "Per-layer ranks or policies: a JSON file ({\"layer1.0.conv1\": 64,"
                            + " \"layer2.*\": \"energy:0.9\"}) or LAYER=R pairs; R is a rank or"
                            + " a policy. An exact name wins over a glob; among globs the first"
                            + " listed wins. Repeatable.")
    private List<String> ranks = new java.util.ArrayList<>();

    private ProgressBar progress;

    /** The {@code --calibration} data, once opened. */
    private CalibrationData calibrationData;

    /** The end-to-end refinement of a budget, when it ran. */
    private Optional<RefinementReport> refinement = Optional.empty();

    /** The {@code --target-cosine} search, when asked for. */
    private Optional<CosineSearchReport> search = Optional.empty();

    @Override
    public Integer call() throws IOException {
        try {
            return decompose();
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
    }

    private Integer decompose() throws IOException {
        Inputs.readable(model, "model");
        OutputFolder.nonEmpty(spec, output);
        double minCosine = calibration.minimumCosine().orElse(Double.NaN);
        try {
            return run(minCosine);
        } catch (OutOfMemoryError e) {
            // Whatever the run held is unreachable now; the staging folder is already removed.
            // The model's size is no guide: its tensors are memory-mapped (a file the heap would
            // have to hold is refused before it is read), new weights beyond a quarter of the heap
            // are spilled, and each layer is admitted only when its estimate fits; running out
            // means the estimates fell short, so twice the heap is the honest suggestion.
            throw new InvalidInputException(
                    HeapShortage.ranOut(
                            "Decomposing " + Quoted.of(model),
                            Math.max(2 * Runtime.getRuntime().maxMemory(), 512L << 20)),
                    e);
        }
    }

    private int run(double minCosine) throws IOException {
        OnnxModel onnx = OnnxModel.read(model);
        warnIfFolded(spec.commandLine().getErr(), onnx.foldedLayers());
        String onnxName = Inputs.stem(model) + "_decomposed.onnx";
        List<String> outputs =
                List.of(
                        onnxName,
                        onnxName + ".data",
                        INFO_FILE,
                        WEIGHTS_FILE,
                        REPORT_FILE,
                        REPORT_HTML_FILE);
        // Before the folder is touched: no output may be an input, whatever --overwrite says.
        calibration
                .addInputs(new InputPaths().addModel(model, onnx).addRankFiles(ranks))
                .checkOutputs(output, outputs);
        try (OutputFolder folder =
                OutputFolder.prepare(output, overwrite, outputs, spec.commandLine().getErr())) {
            DecompositionOptions options = options(folder, onnx);
            Optional<Double> targetCosine = calibration.targetCosine(options.target().isPresent());
            boolean refine = calibration.refine();
            long start = System.nanoTime();
            DecompositionResult result;
            try {
                if (calibrationData != null
                        && (targetCosine.isPresent() || options.target().isPresent())) {
                    CalibratedDecomposition.Builder calibrated =
                            CalibratedDecomposition.builder(onnx, calibrationData)
                                    .options(options)
                                    .dataAware(false) // the options hold the statistics
                                    .refine(refine)
                                    .refineSamples(calibration.refineSamples())
                                    .threads(backendOptions.threads());
                    targetCosine.ifPresent(
                            c -> calibrated.targetCosine(c, CompressionTarget.Measure.PARAMS));
                    CalibratedResult run = calibrated.build().run();
                    result = run.result();
                    refinement = run.refinement();
                    search = run.search();
                } else {
                    result = TensorDecompose.autoDecomposition(onnx.graph(), options);
                }
            } catch (DecompositionException e) {
                // The API names the layer; only the command knows the file.
                throw new DecompositionException(
                        e.category(), "Model '" + model + "': " + e.getMessage(), e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Optional<FidelityReport> fidelity =
                    writeOutputs(folder, onnxName, onnx, result, seconds, start, minCosine);
            // All outputs appear together, or none (a failure above leaves DIR as it was).
            List<Path> written = folder.commit();
            print(
                    spec.commandLine().getOut(),
                    onnx,
                    result,
                    JsonReport.Totals.of(onnx.graph(), result.summary()),
                    seconds,
                    written);
            CalibrationOutput.print(spec.commandLine().getOut(), refinement, search);
            if (fidelity.isPresent()) {
                FidelityOutput.print(spec.commandLine().getOut(), fidelity.get());
                spec.commandLine().getOut().flush();
                return FidelityOutput.check(fidelity.get(), minCosine, spec.commandLine().getErr())
                        .code();
            }
        }
        return ExitCode.SUCCESS.code();
    }

    private DecompositionOptions options(OutputFolder folder, OnnxModel onnx) throws IOException {
        DecompositionOptions.Builder options =
                rankOptions
                        .apply(backendOptions.apply(DecompositionOptions.builder()), ranks)
                        .decomposeInfoFile(folder.resolve(INFO_FILE));
        options.inputSizes(
                rankOptions.targetsMacs() ? onnx.convInputSizes() : onnx.knownConvInputSizes());
        if (parent.isInteractive() || parent.isVerbose()) {
            progress =
                    new ProgressBar(
                            spec.commandLine().getErr(),
                            parent.isInteractive(),
                            ProgressBar.width(System.getenv("COLUMNS")),
                            System::nanoTime,
                            true);
            options.progress(progress);
        }
        if (calibration.calibrated()) {
            calibrationData = calibration.data(model, backendOptions.threads());
            options.dataAware(
                    calibration.dataAware(
                            onnx,
                            calibrationData,
                            backendOptions.threads(),
                            spec.commandLine().getErr()));
        }
        try {
            return options.build();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Stages the model, the weights (when a layer changed) and the reports; with {@code --verify},
     * compares the staged model with the original first.
     */
    private Optional<FidelityReport> writeOutputs(
            OutputFolder folder,
            String onnxName,
            OnnxModel onnx,
            DecompositionResult result,
            double seconds,
            long startNanos,
            double minCosine)
            throws IOException {
        if (!result.changes().isEmpty() || writeUnchanged) {
            onnx.write(result.model(), folder.resolve(onnxName));
        }
        if (!result.changes().isEmpty()) {
            writeWeights(folder, onnx, result.model());
        }
        Optional<FidelityReport> fidelity =
                calibration.verifying()
                        ? Optional.of(
                                calibration.verify(
                                        model, folder.resolve(onnxName), backendOptions.threads()))
                        : Optional.empty();
        byte[] plain =
                FoldedMarks.add(
                        JsonReport.toJson(
                                model.getFileName().toString(),
                                onnx.graph(),
                                result.summary(),
                                seconds),
                        Set.copyOf(onnx.foldedLayers()));
        byte[] report =
                fidelity.isPresent() || calibration.calibrated()
                        ? CalibrationOutput.addToReport(
                                FidelityOutput.addToReport(
                                        plain,
                                        fidelity.orElse(null),
                                        minCosine,
                                        calibration.calibrated(),
                                        calibration.damping()),
                                refinement,
                                search)
                        : plain;
        folder.write(REPORT_FILE, out -> out.write(report));
        if (reportHtml) {
            ReportContext context =
                    ReportContext.builder()
                            .model(model.getFileName().toString())
                            .version(AmctVersion.version())
                            .date(Instant.now().minusNanos(System.nanoTime() - startNanos))
                            .commandLine(commandLine())
                            .build();
            // The info file is staged now; the report names where it will be.
            RunSummary summary = result.summary();
            RunSummary shown =
                    result.decomposeInfoFile()
                            .map(
                                    f ->
                                            summary.withDecomposeInfoFile(
                                                    output.resolve(f.getFileName())))
                            .orElse(summary);
            HtmlReport.write(shown, context, folder.resolve(REPORT_HTML_FILE));
            if (fidelity.isPresent()) {
                FidelityOutput.addToHtml(folder.resolve(REPORT_HTML_FILE), fidelity.get());
            }
        }
        return fidelity;
    }

    /** The command line as typed, quoted for a POSIX shell where needed. */
    private String commandLine() {
        StringBuilder line = new StringBuilder("amct");
        for (String arg : spec.root().commandLine().getParseResult().originalArgs()) {
            line.append(' ');
            if (arg.matches("[A-Za-z0-9_./:=,+@%-]+")) {
                line.append(arg);
            } else {
                line.append('\'').append(arg.replace("'", "'\\''")).append('\'');
            }
        }
        return line.toString();
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
        metadata.put(VERSION_KEY, AmctVersion.version());
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
            nothingToDecompose(out, onnx, result, written);
            return;
        }
        LayerTable.decomposed(out, result.layers());
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
                        + " Conv2d parameters %,d -> %,d: %.1f%% kept%n",
                result.layers().size(),
                result.layers().size() + result.skipped().size(),
                result.backend().id(),
                result.backend().device(),
                seconds,
                totals.paramsBefore(),
                totals.paramsAfter(),
                100.0 * totals.paramsAfter() / Math.max(1, totals.paramsBefore()));
        result.target().ifPresent(target -> LayerTable.target(out, target));
        written.forEach(file -> out.println("Wrote " + file));
    }

    private static void nothingToDecompose(
            PrintWriter out, OnnxModel onnx, DecompositionResult result, List<Path> written) {
        int convs = result.skipped().size();
        Map<String, Integer> reasons = new LinkedHashMap<>();
        result.skipped().forEach(s -> reasons.merge(s.reason(), 1, Integer::sum));
        StringBuilder counted = new StringBuilder();
        reasons.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(
                        e ->
                                counted.append(counted.length() == 0 ? "" : "; ")
                                        .append(e.getValue())
                                        .append(" x ")
                                        .append(e.getKey()));
        out.println(
                "Nothing to decompose: "
                        + (convs == 0
                                ? "the model has no Conv2d layer"
                                : "none of the "
                                        + convs
                                        + " Conv2d layers is eligible ("
                                        + counted
                                        + ")")
                        + (onnx.unmappedConvs().isEmpty()
                                ? ""
                                : "; "
                                        + onnx.unmappedConvs().size()
                                        + " other Conv nodes are not Conv2d layers")
                        + ".");
        boolean modelWritten =
                written.stream().anyMatch(p -> p.getFileName().toString().endsWith(".onnx"));
        out.println(
                modelWritten
                        ? "The model is written unchanged (--write-unchanged), with the report."
                        : "No model written (add --write-unchanged for an unchanged copy); the"
                                + " report says the same.");
        written.forEach(file -> out.println("Wrote " + file));
    }
}
