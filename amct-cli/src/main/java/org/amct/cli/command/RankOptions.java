package org.amct.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amct.api.CompressionTarget;
import org.amct.api.DecompositionOptions;
import org.amct.api.RankPolicy;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options that steer which layers are decomposed and at which rank, shared by {@code decompose}
 * and {@code inspect}: {@code --exclude}, {@code --include}, {@code --rank-policy}, {@code
 * --rank-multiple}, {@code --target-params}, {@code --target-macs}. The per-layer {@code --ranks}
 * option is declared by each command (on {@code inspect} its value is optional) and passed to
 * {@link #apply}.
 */
final class RankOptions {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = "--exclude",
            paramLabel = "PATTERN",
            description =
                    "Leave the Conv2d layers matching PATTERN unchanged (reason \"excluded\"):"
                            + " a layer name or a glob (* any characters, dots included; ? one)."
                            + " Repeatable; wins over --include.")
    private List<String> exclude = new ArrayList<>();

    @Option(
            names = "--include",
            paramLabel = "PATTERN",
            description =
                    "Decompose only the Conv2d layers matching one PATTERN (name or glob);"
                            + " the others are \"excluded\". Repeatable.")
    private List<String> include = new ArrayList<>();

    @Option(
            names = "--rank-policy",
            paramLabel = "POLICY",
            description =
                    "How ranks are chosen for all layers: amct (default, the reference rule),"
                            + " full, rank:N, energy:F (keep the fraction F of the squared"
                            + " Frobenius norm), ratio:F (about the fraction F of the layer's"
                            + " weights). See docs/ranks.md.")
    private String rankPolicy;

    @Option(
            names = "--rank-multiple",
            paramLabel = "N",
            description = "Round ranks to multiples of N (default 16, as the reference).")
    private Integer rankMultiple;

    @Option(
            names = "--target-params",
            paramLabel = "F",
            description =
                    "Allocate ranks so that all Conv2d weights and biases after are at most F"
                            + " times those before (0 < F <= 1), minimising the summed relative"
                            + " reconstruction error; layers in --ranks keep their own.")
    private Double targetParams;

    @Option(
            names = "--target-macs",
            paramLabel = "F",
            description =
                    "The same for the multiply-accumulates of all Conv2d layers per inference"
                            + " at the model's input shape (inferred from the graph's input).")
    private Double targetMacs;

    /**
     * Whether any option asks for ranks other than the plain reference rule on every layer.
     *
     * @return whether a policy, multiple or target was given
     */
    boolean choosesRanks() {
        return rankPolicy != null || rankMultiple != null || target();
    }

    /**
     * Whether a MAC target was given (it needs the conv input sizes).
     *
     * @return whether {@code --target-macs} was given
     */
    boolean targetsMacs() {
        return targetMacs != null;
    }

    private boolean target() {
        return targetParams != null || targetMacs != null;
    }

    /**
     * Copies the options into a builder.
     *
     * @param builder the builder
     * @param ranks the values of {@code --ranks}: each a JSON file or {@code LAYER=R[,LAYER=R...]}
     * @return the builder
     * @throws ParameterException for a malformed value on the command line
     * @throws InvalidInputException for a rank file that cannot be read or is malformed
     */
    DecompositionOptions.Builder apply(DecompositionOptions.Builder builder, List<String> ranks) {
        include.forEach(builder::include);
        exclude.forEach(builder::exclude);
        if (rankPolicy != null) {
            builder.rankPolicy(policy("--rank-policy", rankPolicy));
        }
        if (rankMultiple != null) {
            if (rankMultiple < 1) {
                throw usage("--rank-multiple must be >= 1, got " + rankMultiple);
            }
            builder.rankMultiple(rankMultiple);
        }
        if (targetParams != null && targetMacs != null) {
            throw usage("--target-params and --target-macs cannot be combined; choose one");
        }
        if (target() && rankPolicy != null) {
            throw usage(
                    "--rank-policy cannot be combined with a target: the target allocates the"
                            + " ranks (give per-layer ranks with --ranks instead)");
        }
        if (targetParams != null) {
            builder.target(CompressionTarget.params(fraction("--target-params", targetParams)));
        }
        if (targetMacs != null) {
            builder.target(CompressionTarget.macs(fraction("--target-macs", targetMacs)));
        }
        for (String value : ranks) {
            layerRanks(value).forEach(builder::layerRankPolicy);
        }
        return builder;
    }

    private double fraction(String option, double value) {
        if (!(value > 0 && value <= 1)) {
            throw usage(option + " must be in (0, 1], got " + value);
        }
        return value;
    }

    /** One {@code --ranks} value: inline pairs when it holds '=', else a JSON file. */
    private Map<String, RankPolicy> layerRanks(String value) {
        Map<String, RankPolicy> out = new LinkedHashMap<>();
        if (value.contains("=")) {
            for (String pair : value.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw usage(
                            "--ranks '"
                                    + value
                                    + "': '"
                                    + pair
                                    + "' is not LAYER=R (R a rank or a policy such as energy:0.9)");
                }
                out.put(
                        pair.substring(0, eq).trim(),
                        policy("--ranks " + pair.substring(0, eq).trim(), pair.substring(eq + 1)));
            }
            return out;
        }
        Path file = Inputs.readable(Path.of(value), "rank file");
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidInputException(
                    "The rank file '" + file + "' is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException(
                    "The rank file '"
                            + file
                            + "' must hold one JSON object mapping layer names or globs to ranks"
                            + " or policies, e.g. {\"layer1.0.conv1\": 64, \"layer2.*\":"
                            + " \"energy:0.9\"}");
        }
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            JsonNode v = field.getValue();
            String where = "The rank file '" + file + "', layer '" + field.getKey() + "'";
            if (field.getKey().isBlank()) {
                throw new InvalidInputException("The rank file '" + file + "' has an empty name");
            }
            try {
                if (v.isIntegralNumber() && v.canConvertToInt()) {
                    out.put(field.getKey(), RankPolicy.rank(v.intValue()));
                } else if (v.isTextual()) {
                    out.put(field.getKey(), RankPolicy.parse(v.textValue()));
                } else {
                    throw new IllegalArgumentException(
                            "the value " + v + " is neither a rank nor a policy string");
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private RankPolicy policy(String option, String text) {
        try {
            return RankPolicy.parse(text);
        } catch (IllegalArgumentException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
