package org.amct.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.amct.api.DecomposedWeights;
import org.amct.api.NetworkDecomposition;
import org.amct.api.TensorDecompose;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.exception.Quoted;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;
import org.amct.api.io.HeapShortage;
import org.amct.onnx.OnnxModel;
import org.amct.onnx.OnnxWriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code amct apply}: restructures a model as a decomposition-info file says and, optionally, loads
 * decomposed weights into it.
 *
 * <p>The weights file may be a whole PyTorch state dict (as {@code decomposed_weights.safetensors}
 * is, or one saved from the restructured PyTorch model): every tensor whose name is a parameter of
 * the restructured model (a Conv2d weight or bias, or one of the file's other PyTorch parameters
 * and buffers, {@link OnnxModel#otherParameters()}) is loaded after checking its shape and type;
 * parameters it does not hold keep the ONNX file's values, except those of the new layers of
 * decomposed convs, which must all be there. A tensor that matches nothing is an error.
 */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = {
            "Restructures MODEL as a decomposition-info file says: each listed Conv2d becomes two"
                    + " convs; writes DIR/<model>_decomposed.onnx. With --weights, loads every"
                    + " tensor of a state dict (for example decomposed_weights.safetensors) whose"
                    + " name is a parameter of the result; without, the new convs get fresh random"
                    + " weights, to be trained or loaded elsewhere."
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
            description =
                    "A safetensors state dict: at least every parameter of the new convs; other"
                            + " tensors must be parameters of the result.")
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
            Loaded loaded = null;
            if (weights != null) {
                loaded =
                        load(
                                result,
                                restructured.changes(),
                                onnx.otherParameters(),
                                Safetensors.read(weights).tensors(),
                                weights);
                result = loaded.model();
            }
            onnx.write(
                    result,
                    loaded == null ? Map.of() : loaded.others(),
                    folder.resolve(onnxName),
                    OnnxWriteOptions.defaults());
            // The model and its data file appear together, or DIR stays as it was.
            List<Path> written = folder.commit();
            PrintWriter out = spec.commandLine().getOut();
            out.println(
                    "Restructured "
                            + restructured.changes().size()
                            + " layers: "
                            + String.join(", ", restructured.changes().keySet()));
            out.println(
                    loaded != null
                            ? "Loaded "
                                    + (loaded.convTensors() + loaded.others().size())
                                    + " tensors from "
                                    + weights
                                    + ": "
                                    + loaded.convTensors()
                                    + " Conv2d, "
                                    + loaded.others().size()
                                    + " other"
                            : "No --weights: the new convs hold fresh random weights.");
            written.forEach(file -> out.println("Wrote " + file));
        }
        return ExitCode.SUCCESS.code();
    }

    /**
     * What loading a state dict gave.
     *
     * @param model the restructured model with the given Conv2d tensors
     * @param others the given values of the file's other parameters
     * @param convTensors how many Conv2d tensors were given
     */
    record Loaded(ModelGraph model, Map<String, Tensor> others, int convTensors) {}

    /**
     * Loads a state dict: every tensor that names a parameter of the restructured model, checked.
     *
     * @param model the restructured model
     * @param changes the decomposed layers and their new layers
     * @param others the ONNX file's other PyTorch parameters and buffers
     * @param given the weights file's tensors
     * @param file the weights file, for messages
     * @return the loaded model and other parameters
     * @throws ModelMismatchException naming the file, and every missing, unmatched or mismatched
     *     tensor (the first few of each, with counts)
     */
    static Loaded load(
            ModelGraph model,
            Map<String, List<String>> changes,
            Map<String, Tensor> others,
            Map<String, Tensor> given,
            Path file) {
        Map<String, Tensor> convs = DecomposedWeights.convParameters(model);
        Set<String> newLayers = new HashSet<>();
        changes.values().forEach(newLayers::addAll);
        List<String> missing = new ArrayList<>();
        convs.keySet().stream()
                .filter(name -> newLayers.contains(layerOf(name)) && !given.containsKey(name))
                .forEach(missing::add);
        List<String> unmatched = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Map<String, Tensor> convLoaded = new LinkedHashMap<>();
        Map<String, Tensor> othersLoaded = new LinkedHashMap<>();
        given.forEach(
                (name, tensor) -> {
                    Tensor expected = convs.get(name);
                    if (expected != null) {
                        if (Arrays.equals(tensor.shape(), expected.shape())
                                && tensor.dtype().isFloatingPoint()) {
                            convLoaded.put(name, tensor);
                        } else {
                            mismatched.add(
                                    name
                                            + " is "
                                            + tensor
                                            + ", expected a float tensor of shape "
                                            + Arrays.toString(expected.shape()));
                        }
                    } else if ((expected = others.get(name)) != null) {
                        if (Arrays.equals(tensor.shape(), expected.shape())
                                && tensor.dtype() == expected.dtype()) {
                            othersLoaded.put(name, tensor);
                        } else {
                            mismatched.add(name + " is " + tensor + ", expected " + expected);
                        }
                    } else {
                        unmatched.add(name);
                    }
                });
        convLoaded.forEach((name, tensor) -> DecomposedWeights.requireFinite(file, name, tensor));
        othersLoaded.forEach((name, tensor) -> DecomposedWeights.requireFinite(file, name, tensor));
        if (!missing.isEmpty() || !unmatched.isEmpty() || !mismatched.isEmpty()) {
            List<String> problems = new ArrayList<>();
            if (!missing.isEmpty()) {
                problems.add(
                        counted(
                                missing,
                                "parameter of the decomposed layers is missing",
                                "parameters of the decomposed layers are missing"));
            }
            if (!unmatched.isEmpty()) {
                problems.add(
                        counted(
                                unmatched,
                                "tensor matches no parameter of the restructured model",
                                "tensors match no parameter of the restructured model"));
            }
            if (!mismatched.isEmpty()) {
                problems.add(counted(mismatched, "tensor does not fit", "tensors do not fit"));
            }
            throw new ModelMismatchException(
                    "Weights file '"
                            + file
                            + "' does not fit the restructured model: "
                            + String.join("; ", problems)
                            + ". The model has "
                            + convs.size()
                            + " Conv2d parameters and "
                            + others.size()
                            + " other parameters. Was it written for this model and"
                            + " decomposition info?");
        }
        Map<String, Tensor> all = new LinkedHashMap<>(model.stateDict());
        all.putAll(convLoaded);
        return new Loaded(model.loadStateDict(all), othersLoaded, convLoaded.size());
    }

    /** The layer a parameter name belongs to: the name without its last part. */
    private static String layerOf(String parameter) {
        int dot = parameter.lastIndexOf('.');
        return dot < 0 ? "" : parameter.substring(0, dot);
    }

    /** {@code "3 tensors do not fit (a, b, c)"}, listing the first few in name order. */
    private static String counted(List<String> items, String one, String many) {
        List<String> sorted = items.stream().sorted().toList();
        return sorted.size()
                + " "
                + (sorted.size() == 1 ? one : many)
                + " ("
                + DecomposeCommand.shortList(sorted)
                + ")";
    }
}
