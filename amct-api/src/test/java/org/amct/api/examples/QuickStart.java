package org.amct.api.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.amct.api.DecomposedWeights;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerReport;
import org.amct.api.NetworkDecomposition;
import org.amct.api.TensorDecompose;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.OpaqueLayer;
import org.amct.api.graph.Padding;
import org.amct.api.graph.Size2d;

/**
 * The online and offline flows of the user guide, as a program the build compiles and runs. The
 * snippets in README.md and docs/ are copied from the regions marked {@code // tag::name[]}.
 */
public final class QuickStart {
    private QuickStart() {}

    // tag::model[]
    /** A small CNN written in code; {@code seed} stands for "pretrained weights". */
    static ModelGraph buildModel(long seed) {
        var random = new java.util.SplittableRandom(seed);
        return ModelGraph.builder("SmallNet")
                .add(
                        "stem",
                        Conv2d.builder(3, 64, Size2d.square(3))
                                .padding(Padding.symmetric(1, 1))
                                .random(random)
                                .build())
                .add("relu", OpaqueLayer.leaf("ReLU"))
                .add(
                        "conv1",
                        Conv2d.builder(64, 128, Size2d.square(3))
                                .padding(Padding.symmetric(1, 1))
                                .random(random)
                                .build())
                .add(
                        "conv2",
                        Conv2d.builder(128, 128, Size2d.square(3))
                                .stride(Size2d.square(2))
                                .padding(Padding.symmetric(1, 1))
                                .random(random)
                                .build())
                .build();
    }

    // end::model[]

    /**
     * Runs both flows in {@code dir}, printing to {@code out}.
     *
     * @param dir a folder for the info file and the weights
     * @param out where to print
     * @return the online result
     * @throws IOException if a file cannot be written or read
     */
    public static DecompositionResult run(Path dir, PrintStream out) throws IOException {
        // tag::online[]
        ModelGraph model = buildModel(42);
        Path info = dir.resolve("decompose_info.json");
        DecompositionResult result = TensorDecompose.autoDecomposition(model, info);
        Path weights = dir.resolve("decomposed_weights.safetensors");
        Safetensors.write(
                weights, result.model().stateDict(), Map.of("note", "SmallNet, decomposed"));
        // end::online[]
        out.println("changes: " + result.changes());
        out.println("backend: " + result.backend().id() + " on " + result.backend().device());
        out.printf(
                "%-8s %-5s %5s %22s %10s %10s %9s%n",
                "layer", "mode", "rank", "first / last", "params", "after", "rel.err");
        for (LayerReport r : result.layers()) {
            out.printf(
                    "%-8s %-5s %5d %22s %10d %10d %9.4f%n",
                    r.name(),
                    r.mode(),
                    r.rank(),
                    r.firstShape() + "/" + r.lastShape(),
                    r.paramsBefore(),
                    r.paramsAfter(),
                    r.relativeError());
        }
        result.skipped().forEach(s -> out.println("skipped " + s.name() + ": " + s.reason()));

        // tag::offline[]
        ModelGraph fresh = buildModel(7); // in the training job: a newly built model
        NetworkDecomposition restructured = TensorDecompose.decomposeNetwork(fresh, info);
        ModelGraph ready = DecomposedWeights.loadStateDict(restructured.model(), weights);
        // end::offline[]
        out.println("offline changes: " + restructured.changes());
        out.println(
                "offline weights equal online weights: "
                        + ready.stateDict().equals(result.model().stateDict()));
        return result;
    }

    /**
     * Runs the example in a temporary folder.
     *
     * @param args ignored
     * @throws IOException if a file cannot be written or read
     */
    public static void main(String[] args) throws IOException {
        run(Files.createTempDirectory("amct-quickstart"), System.out);
    }
}
