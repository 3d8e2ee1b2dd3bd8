package org.amct.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import java.util.concurrent.Callable;
import org.amct.api.DecompositionOptions;
import org.amct.api.LayerInspection;
import org.amct.api.TensorDecompose;
import org.amct.api.exception.DecompositionException;
import org.amct.onnx.OnnxModel;
import org.amct.onnx.UnmappedConv;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
            arity = "0..1",
            paramLabel = "FILE.json|LAYER=R[,LAYER=R...]",
            parameterConsumer = OptionalRanks.class,
            description =
                    "Also compute the rank each eligible layer would get (runs a backend), with"
                            + " its parameters and MACs before and after, and the totals; nothing"
                            + " is written. An optional value gives per-layer ranks as on"
                            + " 'decompose --ranks'. The options below imply --ranks.")
    private List<String> ranks = new ArrayList<>();

    @Option(
            names = "--json",
            description =
                    "Print JSON (model, layers, other_conv_nodes, totals) instead of the table, for"
                            + " scripts.")
    private boolean json;

    @Mixin private BackendOptions backendOptions;

    @Mixin private RankOptions rankOptions;

    @Override
    public Integer call() throws IOException {
        Inputs.readable(model, "model");
        OnnxModel onnx = OnnxModel.read(model);
        List<String> layerRanks = ranks.stream().filter(r -> !r.isEmpty()).toList();
        boolean withRanks = !ranks.isEmpty() || rankOptions.choosesRanks();
        DecompositionOptions.Builder builder =
                rankOptions.apply(backendOptions.apply(DecompositionOptions.builder()), layerRanks);
        builder.inputSizes(
                rankOptions.targetsMacs() ? onnx.convInputSizes() : onnx.knownConvInputSizes());
        DecompositionOptions options;
        try {
            options = builder.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        List<LayerInspection> layers;
        try {
            layers = TensorDecompose.inspect(onnx.graph(), options, withRanks);
        } catch (DecompositionException e) {
            throw new DecompositionException(
                    e.category(), "Model '" + model + "': " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        long eligible = layers.stream().filter(LayerInspection::eligible).count();
        if (json) {
            out.println(json(layers, onnx.unmappedConvs(), eligible));
            out.flush();
            return ExitCode.SUCCESS.code();
        }
        LayerTable.inspected(out, layers, withRanks);
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
        if (withRanks) {
            LayerTable.inspectedTotals(out, layers, options.target());
        }
        return ExitCode.SUCCESS.code();
    }

    /**
     * Takes the next argument as the value of {@code --ranks} only when it looks like one (holds
     * '=' or ends in .json), so that {@code inspect --ranks MODEL.onnx} still reads the model.
     */
    static final class OptionalRanks implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec command) {
            List<String> values = argSpec.getValue();
            if (!args.isEmpty()
                    && (args.peek().contains("=")
                            || args.peek().toLowerCase(java.util.Locale.ROOT).endsWith(".json"))) {
                values.add(args.pop());
            } else {
                values.add("");
            }
        }
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
            layer.policy().ifPresent(v -> node.put("policy", v));
            node.put("params_before", layer.paramsBefore());
            layer.paramsAfter().ifPresent(v -> node.put("params_after", v));
            layer.macsBefore().ifPresent(v -> node.put("macs_at_input_before", v));
            layer.macsAfter().ifPresent(v -> node.put("macs_at_input_after", v));
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
