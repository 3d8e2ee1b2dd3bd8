package org.amct.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.amct.api.DecompositionOptions;
import org.amct.api.LayerInspection;
import org.amct.api.TensorDecompose;
import org.amct.onnx.OnnxModel;
import org.amct.onnx.UnmappedConv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code amct inspect}: every conv layer, whether it would be decomposed and why not. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Lists every Conv2d of MODEL and whether it would be decomposed.",
            "Shows channels, kernel, stride, groups, whether it is eligible",
            "for decomposition (and why not), its mode and, with --ranks, the rank it would get.",
            "Conv nodes that are not 2-D convolutions with constant weights are listed after."
        })
final class InspectCommand implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
    private Path model;

    @Option(
            names = "--ranks",
            description = "Also compute the rank each eligible layer would get (runs a backend).")
    private boolean ranks;

    @Mixin private BackendOptions backendOptions;

    @Override
    public Integer call() throws IOException {
        Inputs.readable(model, "model");
        OnnxModel onnx = OnnxModel.read(model);
        DecompositionOptions options = backendOptions.apply(DecompositionOptions.builder()).build();
        List<LayerInspection> layers = TensorDecompose.inspect(onnx.graph(), options, ranks);
        PrintWriter out = spec.commandLine().getOut();
        LayerTable.inspected(out, layers, ranks);
        for (UnmappedConv conv : onnx.unmappedConvs()) {
            out.println("Conv node " + conv.node() + " (not a Conv2d): " + conv.reason());
        }
        long eligible = layers.stream().filter(LayerInspection::eligible).count();
        out.println(
                layers.size()
                        + " Conv2d layers, "
                        + eligible
                        + " eligible for decomposition"
                        + (onnx.unmappedConvs().isEmpty()
                                ? ""
                                : "; " + onnx.unmappedConvs().size() + " other Conv nodes"));
        return ExitCode.SUCCESS.code();
    }
}
