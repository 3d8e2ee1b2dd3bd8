package org.amct.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Layer;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Sequential;
import org.amct.api.graph.Tensor;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;
import org.amct.onnx.proto.OnnxProtos.ValueInfoProto;

/**
 * Puts a changed model graph back into the ONNX graph it was read from. New tensors first get
 * placeholder names; once the constants that nothing uses any more are dropped, they get their
 * final names ({@code <layer>.0.weight}, ... made unique), so a reloaded layer can keep its old
 * initializer name. Not thread-safe; one instance per write.
 */
final class OnnxWriter {
    /** ONNX IR versions before 4 want every initializer listed as a graph input. */
    private static final long FIRST_IR_WITHOUT_INITIALIZER_INPUTS = 4;

    private static final String PLACEHOLDER = "\u0000amct-new-tensor:";

    /** The prefix of the values that keep a changed parameter's old value for its copies. */
    static final String KEPT_PREFIX = "amct::kept/";

    private final ModelProto original;
    private final List<ConvSite> sites;
    private final String source;
    private final Map<String, Tensor> pending = new LinkedHashMap<>();
    private final Map<String, String> wantedNames = new LinkedHashMap<>();
    private final Map<Tensor, String> placeholderOf = new IdentityHashMap<>();
    private final Set<String> replacedValues = new LinkedHashSet<>();

    OnnxWriter(ModelProto original, List<ConvSite> sites, String source) {
        this.original = original;
        this.sites = sites;
        this.source = source;
    }

    /** A change to one Conv node. */
    private sealed interface Edit permits Retensor, Split {}

    /** Same layer, other tensors. */
    private record Retensor(Conv2d conv) implements Edit {}

    /** The layer became two convs. */
    private record Split(Conv2d first, Conv2d last) implements Edit {}

    /**
     * The ONNX model for a graph derived from the one read.
     *
     * @param model the decomposed or reloaded graph
     * @param parameters new values for some of the file's other parameters ({@link
     *     TorchParameters}), by value name; each replaces the value's initializer, or the {@code
     *     Identity} or {@code Constant} node that produced it
     * @param originals the file's values of the parameters, by name: what the {@code Identity}
     *     copies of a changed parameter keep
     * @return the new model; the original itself when nothing changed
     * @throws ModelMismatchException if the graph does not come from this file
     */
    ModelProto rewrite(
            ModelGraph model, Map<String, Tensor> parameters, Map<String, TensorProto> originals) {
        Map<Integer, Edit> edits = new LinkedHashMap<>();
        Map<Integer, ConvSite> siteAt = new LinkedHashMap<>();
        for (ConvSite site : sites) {
            plan(model, site).ifPresent(edit -> edits.put(site.nodeIndex(), edit));
            siteAt.put(site.nodeIndex(), site);
        }
        checkNoStrayConvs(model);
        if (edits.isEmpty() && parameters.isEmpty()) {
            return original;
        }
        GraphProto graph = original.getGraph();
        NameAllocator values = new NameAllocator(GraphNames.values(graph));
        NameAllocator nodeNames = new NameAllocator(GraphNames.nodes(graph));
        Set<String> initializerNames = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializerNames.add(t.getName()));
        List<NodeProto> nodes = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            Edit edit = edits.get(i);
            if (edit != null) {
                nodes.addAll(build(node, siteAt.get(i), edit, values, nodeNames));
            } else if (node.getOutputCount() == 1
                    && parameters.containsKey(node.getOutput(0))
                    && !initializerNames.contains(node.getOutput(0))) {
                // The Identity copy or Constant gives way to the new value under its name.
                replacedValues.addAll(node.getInputList());
            } else {
                nodes.add(node);
            }
        }
        boolean asConstants = original.getIrVersion() < FIRST_IR_WITHOUT_INITIALIZER_INPUTS;
        GraphProto.Builder builder = graph.toBuilder();
        List<NodeProto> parameterNodes = new ArrayList<>();
        keepCopiedValues(nodes, parameters, originals, values)
                .forEach(
                        kept -> {
                            if (asConstants) {
                                parameterNodes.add(constantNode(kept, nodeNames));
                            } else {
                                builder.addInitializer(kept);
                            }
                        });
        for (int i = 0; i < builder.getInitializerCount(); i++) {
            Tensor value = parameters.get(builder.getInitializer(i).getName());
            if (value != null) {
                builder.setInitializer(
                        i, TensorCodec.encode(builder.getInitializer(i).getName(), value));
            }
        }
        parameters.forEach(
                (name, value) -> {
                    if (initializerNames.contains(name)) {
                        return;
                    }
                    if (asConstants) {
                        parameterNodes.add(constantNode(name, value, nodeNames));
                    } else {
                        builder.addInitializer(TensorCodec.encode(name, value));
                    }
                });
        nodes.addAll(0, parameterNodes);
        Set<String> dropped = dropUnused(builder, nodes, values);
        Map<String, String> finalNames = new LinkedHashMap<>();
        wantedNames.forEach((ph, wanted) -> finalNames.put(ph, values.allocate(wanted)));
        builder.clearNode().addAllNode(substitute(nodes, finalNames, asConstants, nodeNames));
        if (!asConstants) {
            pending.forEach(
                    (ph, tensor) ->
                            builder.addInitializer(TensorCodec.encode(finalNames.get(ph), tensor)));
        }
        removeValueInfos(builder, dropped);
        return original.toBuilder().setGraph(builder).build();
    }

    /**
     * torch.onnx replaces equal tensors by {@code Identity} copies of one of them, whatever their
     * role: a folded conv's zero bias may be a copy of some BatchNorm's zero shift. When a
     * parameter gets a new value, the copies that read it (and are not themselves given a value)
     * must keep the value they copied: they are pointed at a new value {@code amct::kept/<name>}
     * holding the file's tensor.
     *
     * @return the kept tensors to add, named
     */
    private static List<TensorProto> keepCopiedValues(
            List<NodeProto> nodes,
            Map<String, Tensor> parameters,
            Map<String, TensorProto> originals,
            NameAllocator values) {
        Map<String, String> keptNames = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            if (ConstantValues.isIdentity(node)
                    && parameters.containsKey(node.getInput(0))
                    && !parameters.containsKey(node.getOutput(0))) {
                String kept =
                        keptNames.computeIfAbsent(
                                node.getInput(0), name -> values.allocate(KEPT_PREFIX + name));
                nodes.set(i, node.toBuilder().setInput(0, kept).build());
            }
        }
        List<TensorProto> kept = new ArrayList<>();
        keptNames.forEach(
                (name, keptName) -> {
                    TensorProto original = originals.get(name);
                    if (original == null) {
                        throw new IllegalStateException(
                                "No original value of parameter '" + name + "'");
                    }
                    kept.add(original.toBuilder().setName(keptName).build());
                });
        return kept;
    }

    private Optional<Edit> plan(ModelGraph model, ConvSite site) {
        String where = "Layer '" + site.layer() + "' of ONNX file '" + source + "'";
        Layer layer =
                model.find(site.layer())
                        .orElseThrow(
                                () ->
                                        new ModelMismatchException(
                                                where
                                                        + " is missing from the graph to write."
                                                        + " Write only graphs derived from this"
                                                        + " file's graph()."));
        Conv2d read = site.conv();
        if (layer instanceof Conv2d conv) {
            if (conv.weight().equals(read.weight()) && conv.bias().equals(read.bias())) {
                return Optional.empty();
            }
            WriteChecks.sameHyperParameters(where, read, conv);
            return Optional.of(new Retensor(conv));
        }
        if (layer instanceof Sequential seq
                && seq.children().keySet().equals(Set.of("0", "1"))
                && seq.children().get("0") instanceof Conv2d first
                && seq.children().get("1") instanceof Conv2d last) {
            WriteChecks.fitsAsPair(where, read, first, last);
            return Optional.of(new Split(first, last));
        }
        throw new ModelMismatchException(
                where
                        + " is a "
                        + layer.typeName()
                        + " in the graph to write; expected a Conv2d or a Sequential of two"
                        + " Conv2d named '0' and '1'");
    }

    private void checkNoStrayConvs(ModelGraph model) {
        Set<String> known = new HashSet<>();
        for (ConvSite site : sites) {
            known.add(site.layer());
            known.add(site.layer() + ".0");
            known.add(site.layer() + ".1");
        }
        for (String name : model.convs().keySet()) {
            if (!known.contains(name)) {
                throw new ModelMismatchException(
                        "Layer '"
                                + name
                                + "' of the graph to write has no Conv node in ONNX file '"
                                + source
                                + "'. Write only graphs derived from this file's graph().");
            }
        }
    }

    private List<NodeProto> build(
            NodeProto node,
            ConvSite site,
            Edit edit,
            NameAllocator values,
            NameAllocator nodeNames) {
        replacedValues.addAll(site.tensorValues());
        if (edit instanceof Retensor retensor) {
            return List.of(retensored(node, site, retensor.conv()));
        }
        return split(node, site, (Split) edit, values, nodeNames);
    }

    private NodeProto retensored(NodeProto node, ConvSite site, Conv2d conv) {
        NodeProto.Builder same = node.toBuilder();
        if (!conv.weight().equals(site.conv().weight())) {
            same.setInput(1, placeholder(conv.weight(), site.layer() + ".weight"));
        }
        if (conv.hasBias() && !conv.bias().equals(site.conv().bias())) {
            same.setInput(2, placeholder(conv.bias().get(), site.layer() + ".bias"));
        }
        return same.build();
    }

    private List<NodeProto> split(
            NodeProto node,
            ConvSite site,
            Split split,
            NameAllocator values,
            NameAllocator nodeNames) {
        String layer = site.layer();
        NodeProto.Builder base = node.toBuilder().clearInput().clearOutput().clearAttribute();
        String middle = values.allocate(layer + ".0.output");
        NodeProto first =
                base.clone()
                        .setName(nodeNames.allocate(layer + ".0"))
                        .addInput(node.getInput(0))
                        .addInput(placeholder(split.first().weight(), layer + ".0.weight"))
                        .addAllInput(
                                split.first().bias().stream()
                                        .map(b -> placeholder(b, layer + ".0.bias"))
                                        .toList())
                        .addOutput(middle)
                        .addAllAttribute(attributes(split.first(), site.autoPad()))
                        .build();
        NodeProto.Builder last =
                base.clone()
                        .setName(nodeNames.allocate(layer + ".1"))
                        .addInput(middle)
                        .addInput(placeholder(split.last().weight(), layer + ".1.weight"))
                        .addAllOutput(node.getOutputList())
                        .addAllAttribute(attributes(split.last(), site.autoPad()));
        split.last().bias().ifPresent(b -> last.addInput(placeholder(b, layer + ".1.bias")));
        return List.of(first, last.build());
    }

    private String placeholder(Tensor tensor, String wanted) {
        String existing = placeholderOf.get(tensor);
        if (existing != null) {
            return existing;
        }
        String ph = PLACEHOLDER + pending.size();
        pending.put(ph, tensor);
        wantedNames.put(ph, wanted);
        placeholderOf.put(tensor, ph);
        return ph;
    }

    /** The Conv attributes of a new layer; {@code auto_pad} SAME_* is kept (see AutoPad). */
    private static List<AttributeProto> attributes(Conv2d conv, AutoPad autoPad) {
        List<AttributeProto> attributes = new ArrayList<>();
        attributes.add(ints("kernel_shape", conv.kernelSize().toList()));
        attributes.add(ints("strides", conv.stride().toList()));
        if (autoPad.isSame()) {
            attributes.add(
                    AttributeProto.newBuilder()
                            .setName("auto_pad")
                            .setType(OnnxConstants.ATTRIBUTE_STRING)
                            .setS(com.google.protobuf.ByteString.copyFromUtf8(autoPad.name()))
                            .build());
        } else {
            var p = conv.padding();
            attributes.add(ints("pads", List.of(p.top(), p.left(), p.bottom(), p.right())));
        }
        attributes.add(ints("dilations", conv.dilation().toList()));
        attributes.add(
                AttributeProto.newBuilder()
                        .setName("group")
                        .setType(OnnxConstants.ATTRIBUTE_INT)
                        .setI(conv.groups())
                        .build());
        return attributes;
    }

    private static AttributeProto ints(String name, List<Integer> values) {
        AttributeProto.Builder builder =
                AttributeProto.newBuilder().setName(name).setType(OnnxConstants.ATTRIBUTE_INTS);
        values.forEach(v -> builder.addInts(v));
        return builder.build();
    }

    /**
     * Drops the replaced weights and biases that nothing uses any more: their initializers, graph
     * inputs (IR < 4 lists initializers there), {@code Constant} nodes, and the {@code Identity}
     * nodes that copied them (then, in turn, what those copied, if nothing else uses it).
     */
    private Set<String> dropUnused(
            GraphProto.Builder graph, List<NodeProto> nodes, NameAllocator values) {
        Set<String> dropped = new LinkedHashSet<>();
        Set<String> candidates = new LinkedHashSet<>(replacedValues);
        while (!candidates.isEmpty()) {
            Set<String> used = GraphNames.used(nodes, graph.getOutputList());
            Set<String> unused = new LinkedHashSet<>(candidates);
            unused.removeAll(used);
            unused.removeAll(dropped);
            candidates.clear();
            List<NodeProto> producers =
                    nodes.stream()
                            .filter(
                                    n ->
                                            n.getOutputCount() == 1
                                                    && unused.contains(n.getOutput(0))
                                                    && (ConstantValues.constantValue(n).isPresent()
                                                            || ConstantValues.isIdentity(n)))
                            .toList();
            for (NodeProto producer : producers) {
                nodes.remove(producer);
                candidates.addAll(producer.getInputList());
            }
            dropped.addAll(unused);
        }
        List<TensorProto> initializers = new ArrayList<>(graph.getInitializerList());
        initializers.removeIf(t -> dropped.contains(t.getName()));
        graph.clearInitializer().addAllInitializer(initializers);
        List<ValueInfoProto> inputs = new ArrayList<>(graph.getInputList());
        inputs.removeIf(v -> dropped.contains(v.getName()));
        graph.clearInput().addAllInput(inputs);
        dropped.forEach(values::release);
        return dropped;
    }

    private List<NodeProto> substitute(
            List<NodeProto> nodes,
            Map<String, String> finalNames,
            boolean asConstants,
            NameAllocator nodeNames) {
        List<NodeProto> out = new ArrayList<>();
        Set<String> emitted = new HashSet<>();
        for (NodeProto node : nodes) {
            if (node.getInputList().stream().noneMatch(i -> i.startsWith(PLACEHOLDER))) {
                out.add(node);
                continue;
            }
            NodeProto.Builder builder = node.toBuilder();
            for (int i = 0; i < builder.getInputCount(); i++) {
                String ph = builder.getInput(i);
                if (!ph.startsWith(PLACEHOLDER)) {
                    continue;
                }
                String name = finalNames.get(ph);
                if (asConstants && emitted.add(ph)) {
                    out.add(constantNode(name, pending.get(ph), nodeNames));
                }
                builder.setInput(i, name);
            }
            out.add(builder.build());
        }
        return out;
    }

    private static NodeProto constantNode(TensorProto tensor, NameAllocator nodeNames) {
        return NodeProto.newBuilder()
                .setName(nodeNames.allocate(tensor.getName() + ".constant"))
                .setOpType("Constant")
                .addOutput(tensor.getName())
                .addAttribute(
                        AttributeProto.newBuilder()
                                .setName("value")
                                .setType(OnnxConstants.ATTRIBUTE_TENSOR)
                                .setT(tensor))
                .build();
    }

    /** A {@code Constant} node whose output {@code name} holds {@code tensor}. */
    static NodeProto constantNode(String name, Tensor tensor, NameAllocator nodeNames) {
        return constantNode(TensorCodec.encode(name, tensor), nodeNames);
    }

    private static void removeValueInfos(GraphProto.Builder graph, Set<String> dropped) {
        List<ValueInfoProto> infos = new ArrayList<>(graph.getValueInfoList());
        if (infos.removeIf(v -> dropped.contains(v.getName()))) {
            graph.clearValueInfo().addAllValueInfo(infos);
        }
    }
}
