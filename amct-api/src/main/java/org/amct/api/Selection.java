package org.amct.api;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.amct.api.decompose.Eligibility;
import org.amct.api.decompose.LayerCost;
import org.amct.api.decompose.LayerPatterns;
import org.amct.api.exception.DecompositionException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Conv2d layers of a model are decomposed, under which policy: eligibility
 * (docs/design/ALGORITHM.md section 1), then include and exclude patterns, then each layer's policy
 * (its own entry, exact name over glob; else the target's allocation when a target is set; else the
 * policy for all).
 */
final class Selection {
    private static final Logger LOG = LoggerFactory.getLogger(Selection.class);

    /** The reason given to layers left out by include or exclude patterns. */
    static final String EXCLUDED = "excluded";

    final Map<String, Conv2d> convs = new LinkedHashMap<>();
    final Map<String, Conv2d> eligible = new LinkedHashMap<>();
    final List<SkippedLayer> skipped = new ArrayList<>();
    final Map<Tensor, String> owners = new IdentityHashMap<>();
    final Map<String, Conv2d> distinct = new LinkedHashMap<>();
    private final DecompositionOptions options;

    private Selection(DecompositionOptions options) {
        this.options = options;
    }

    static Selection of(ModelGraph model, DecompositionOptions options) {
        Selection s = new Selection(options);
        s.convs.putAll(model.convs());
        s.checkPatterns();
        s.convs.forEach(s::sort);
        // Layers sharing one weight tensor are factorized once, under the first name.
        s.eligible.forEach(
                (name, conv) -> {
                    if (s.owners.putIfAbsent(conv.weight(), name) == null) {
                        s.distinct.put(name, conv);
                    }
                });
        return s;
    }

    private void sort(String name, Conv2d conv) {
        Optional<String> reason = Eligibility.reasonToSkip(conv);
        if ((!options.include().isEmpty() && !LayerPatterns.matchesAny(options.include(), name))
                || LayerPatterns.matchesAny(options.exclude(), name)) {
            LOG.debug("Layer '{}' left unchanged: excluded", name);
            skipped.add(new SkippedLayer(name, EXCLUDED));
        } else if (reason.isPresent()) {
            LOG.debug("Layer '{}' left unchanged: {}", name, reason.get());
            skipped.add(new SkippedLayer(name, reason.get()));
        } else if (!Eligibility.hasSupportedDtype(conv)) {
            String why = "weight dtype " + conv.weight().dtype() + " is not supported";
            LOG.warn("Layer '{}' left unchanged: {}", name, why);
            skipped.add(new SkippedLayer(name, why));
        } else {
            eligible.put(name, conv);
        }
    }

    /** An exact name that is not a Conv2d of the model is a typo: say so, with the names. */
    private void checkPatterns() {
        check("include", options.include());
        check("exclude", options.exclude());
        check("layer ranks", List.copyOf(options.layerRankPolicies().keySet()));
    }

    private void check(String what, List<String> patterns) {
        for (String pattern : patterns) {
            if (LayerPatterns.isGlob(pattern)) {
                if (convs.keySet().stream().noneMatch(n -> LayerPatterns.matches(pattern, n))) {
                    LOG.warn("The {} pattern '{}' matches no Conv2d layer", what, pattern);
                }
            } else if (!convs.containsKey(pattern)) {
                throw new DecompositionException(
                        "The "
                                + what
                                + " name '"
                                + pattern
                                + "' is not a Conv2d layer of the model; its Conv2d layers are: "
                                + convs.keySet().stream().collect(Collectors.joining(", ")));
            }
        }
    }

    /**
     * The policy of a selected layer, or empty when the target allocates its rank.
     *
     * @param name the layer
     * @return its policy
     */
    Optional<RankPolicy> policyOf(String name) {
        Optional<Map.Entry<String, RankPolicy>> own =
                LayerPatterns.lookup(options.layerRankPolicies(), name);
        if (own.isPresent()) {
            return Optional.of(own.get().getValue());
        }
        if (options.target().isPresent()) {
            return Optional.empty();
        }
        return Optional.of(options.rankPolicy());
    }

    /** The layers (distinct weights) whose rank the target allocates, in model order. */
    Map<String, Conv2d> allocated() {
        Map<String, Conv2d> out = new LinkedHashMap<>();
        distinct.forEach(
                (name, conv) -> {
                    if (policyOf(name).isEmpty()) {
                        out.put(name, conv);
                    }
                });
        return out;
    }

    /** Whether a selected layer has a policy of its own (an entry of the layer rank policies). */
    boolean hasOwnPolicy(String name) {
        return LayerPatterns.lookup(options.layerRankPolicies(), name).isPresent();
    }

    /** The layers (distinct weights) with a policy of their own, in model order. */
    Map<String, Conv2d> withOwnPolicy() {
        Map<String, Conv2d> out = new LinkedHashMap<>();
        distinct.forEach(
                (name, conv) -> {
                    if (hasOwnPolicy(name)) {
                        out.put(name, conv);
                    }
                });
        return out;
    }

    /**
     * The layers (distinct weights) without a policy of their own, whose ranks a plan chooses, in
     * model order: with a target, {@link #allocated()}.
     */
    Map<String, Conv2d> withoutOwnPolicy() {
        Map<String, Conv2d> out = new LinkedHashMap<>();
        distinct.forEach(
                (name, conv) -> {
                    if (!hasOwnPolicy(name)) {
                        out.put(name, conv);
                    }
                });
        return out;
    }

    /** The layers (distinct weights) with a policy of their own or the policy for all. */
    Map<String, Conv2d> fixed() {
        Map<String, Conv2d> out = new LinkedHashMap<>();
        distinct.forEach(
                (name, conv) -> {
                    if (policyOf(name).isPresent()) {
                        out.put(name, conv);
                    }
                });
        return out;
    }

    /** The input size of a layer, if known. */
    Optional<Size2d> inputSize(String name) {
        return Optional.ofNullable(options.inputSizes().get(name));
    }

    /** Whether every Conv2d's input size is known. */
    boolean allInputSizesKnown() {
        return convs.keySet().stream().allMatch(options.inputSizes()::containsKey);
    }

    /** The cost of a Conv2d in a measure, as a linear function of rank (eligible layers only). */
    LayerCost cost(String name, Conv2d conv, CompressionTarget.Measure measure) {
        if (measure == CompressionTarget.Measure.PARAMS) {
            return LayerCost.params(conv);
        }
        return LayerCost.macs(conv, requireInput(name));
    }

    /** The cost of any Conv2d unchanged. */
    long costBefore(String name, Conv2d conv, CompressionTarget.Measure measure) {
        if (measure == CompressionTarget.Measure.PARAMS) {
            return conv.parameterCount();
        }
        return LayerCost.macsOf(conv, requireInput(name));
    }

    private Size2d requireInput(String name) {
        Size2d size = options.inputSizes().get(name);
        if (size == null) {
            throw new DecompositionException(
                    "A MAC target needs the input size of every Conv2d at the model's input shape;"
                            + " none is known for layer '"
                            + name
                            + "' (for an ONNX model, pass OnnxModel.convInputSizes() to"
                            + " DecompositionOptions.Builder.inputSizes)");
        }
        return size;
    }
}
