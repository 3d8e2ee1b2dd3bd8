package org.amct.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.amct.api.DecomposedWeights;
import org.amct.api.NetworkDecomposition;
import org.amct.api.TensorDecompose;
import org.amct.api.exception.Quoted;
import org.amct.api.graph.ModelGraph;
import org.amct.api.io.HeapShortage;
import org.amct.onnx.OnnxModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code amct apply}: restructures a model as a decomposition-info file says and, optionally, loads
 * decomposed weights into it.
 *
 * <p>Loading is {@link DecomposedWeights#loadConvParameters}: strict over the Conv2d parameters
 * (the weights file must hold exactly the Conv2d parameters of the restructured model, as {@code
 * decomposed_weights.safetensors} does, each with the model's shape; a missing or extra name is an
 * error). The model's other tensors (batch norm, linear layers) are kept from the ONNX file.
 */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = {
            "Restructures MODEL as a decomposition-info file says: each listed Conv2d becomes two"
                    + " convs; writes DIR/<model>_decomposed.onnx. With --weights, loads the"
                    + " decomposed Conv2d weights (for example decomposed_weights.safetensors);"
                    + " without, the new convs get fresh random weights, to be trained or loaded"
                    + " elsewhere."
        })
final class ApplyCommand implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The original ONNX model.")
    private Path model;

    @Option(
            names = "--info",
            required = true,
            paramLabel = "FILE",
            description = "The decomposition-info file (decompose_info.json).")
    private Path info;

    @Option(
            names = "--weights",
            paramLabel = "FILE",
            description = "A safetensors file with every Conv2d parameter of the result.")
    private Path weights;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "The output folder (created if missing).")
    private Path output;

    @Option(names = "--overwrite", description = "Replace an earlier output in DIR.")
    private boolean overwrite;

    @Override
    public Integer call() throws IOException {
        Inputs.readable(model, "model");
        Inputs.readable(info, "decomposition-info file");
        if (weights != null) {
            Inputs.readable(weights, "weights file");
        }
        OutputFolder.nonEmpty(spec, output);
        try {
            return run();
        } catch (OutOfMemoryError e) {
            // Whatever the run held is unreachable now; the staging folder is already removed.
            throw new InvalidInputException(
                    HeapShortage.ranOut(
                            "Applying " + Quoted.of(info) + " to " + Quoted.of(model),
                            3 * Files.size(model) + (256L << 20)),
                    e);
        }
    }

    private int run() throws IOException {
        OnnxModel onnx = OnnxModel.read(model);
        String onnxName = Inputs.stem(model) + "_decomposed.onnx";
        List<String> outputs = List.of(onnxName, onnxName + ".data");
        // Before the folder is touched: no output may be an input, whatever --overwrite says.
        InputPaths inputs =
                new InputPaths().addModel(model, onnx).add("decomposition-info file", info);
        if (weights != null) {
            inputs.add("weights file", weights);
        }
        inputs.checkOutputs(output, outputs);
        try (OutputFolder folder =
                OutputFolder.prepare(output, overwrite, outputs, spec.commandLine().getErr())) {
            NetworkDecomposition restructured =
                    TensorDecompose.decomposeNetwork(onnx.graph(), info);
            ModelGraph result = restructured.model();
            if (weights != null) {
                result = DecomposedWeights.loadConvParameters(result, weights);
            }
            onnx.write(result, folder.resolve(onnxName));
            // The model and its data file appear together, or DIR stays as it was.
            List<Path> written = folder.commit();
            PrintWriter out = spec.commandLine().getOut();
            out.println(
                    "Restructured "
                            + restructured.changes().size()
                            + " layers: "
                            + String.join(", ", restructured.changes().keySet()));
            out.println(
                    weights != null
                            ? "Loaded "
                                    + DecomposedWeights.convParameters(result).size()
                                    + " Conv2d tensors from "
                                    + weights
                            : "No --weights: the new convs hold fresh random weights.");
            written.forEach(file -> out.println("Wrote " + file));
        }
        return ExitCode.SUCCESS.code();
    }
}
