package org.amct.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
            "Lists every Conv2d of MODEL and whether it would be decomposed: channels, kernel,"
                    + " stride, groups, whether it is eligible for decomposition (and why not),"
                    + " its mode and, with --ranks, the rank it would get. Conv nodes that are"
                    + " not 2-D convolutions with constant weights are listed after."
        })
final class InspectCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
    private Path model;

    @Option(
            names = "--ranks",
            description = "Also compute the rank each eligible layer would get (runs a backend).")
    private boolean ranks;

    @Option(
            names = "--json",
            description =
                    "Print JSON (model, layers, other_conv_nodes, totals) instead of the table, for"
                            + " scripts.")
    private boolean json;

    @Mixin private BackendOptions backendOptions;

    @Override
    public Integer call() throws IOException {
        Inputs.readable(model, "model");
        OnnxModel onnx = OnnxModel.read(model);
        DecompositionOptions options = backendOptions.apply(DecompositionOptions.builder()).build();
        List<LayerInspection> layers = TensorDecompose.inspect(onnx.graph(), options, ranks);
        PrintWriter out = spec.commandLine().getOut();
        long eligible = layers.stream().filter(LayerInspection::eligible).count();
        if (json) {
            out.println(json(layers, onnx.unmappedConvs(), eligible));
            out.flush();
            return ExitCode.SUCCESS.code();
        }
        LayerTable.inspected(out, layers, ranks);
        for (UnmappedConv conv : onnx.unmappedConvs()) {
            out.println("Conv node " + conv.node() + " (not a Conv2d): " + conv.reason());
        }
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

    private String json(List<LayerInspection> layers, List<UnmappedConv> others, long eligible) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("model", model.getFileName().toString());
        ArrayNode array = root.putArray("layers");
        for (LayerInspection layer : layers) {
            ObjectNode node = array.addObject();
            node.put("name", layer.name());
            node.put("in_channels", layer.inChannels());
            node.put("out_channels", layer.outChannels());
            node.putArray("kernel_size")
                    .add(layer.kernelSize().height())
                    .add(layer.kernelSize().width());
            node.putArray("stride").add(layer.stride().height()).add(layer.stride().width());
            node.put("groups", layer.groups());
            node.put("eligible", layer.eligible());
            layer.reason()
                    .ifPresentOrElse(r -> node.put("reason", r), () -> node.putNull("reason"));
            layer.mode().ifPresentOrElse(m -> node.put("mode", m), () -> node.putNull("mode"));
            if (layer.rank().isPresent()) {
                node.put("rank", layer.rank().getAsInt());
            } else {
                node.putNull("rank");
            }
        }
        ArrayNode other = root.putArray("other_conv_nodes");
        others.forEach(c -> other.addObject().put("node", c.node()).put("reason", c.reason()));
        ObjectNode totals = root.putObject("totals");
        totals.put("conv2d_layers", layers.size());
        totals.put("eligible", eligible);
        totals.put("other_conv_nodes", others.size());
        try {
            return MAPPER.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A tree of strings and numbers always serializes", e);
        }
    }
}
