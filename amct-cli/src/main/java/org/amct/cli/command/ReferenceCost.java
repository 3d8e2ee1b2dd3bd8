package org.amct.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amct.api.bench.ConvShape;

/**
 * Runs the reference tool's cost script ({@code reference_cost.py}: numpy doing the reference's two
 * full SVDs per layer) in the same run as our measurements, so ratios compare like with like.
 */
final class ReferenceCost {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One shape's reference cost.
     *
     * @param seconds the script's median time
     * @param peakRssMegabytes its process's peak resident memory
     */
    record Cost(double seconds, long peakRssMegabytes) {}

    private ReferenceCost() {}

    /**
     * Runs the script on every shape.
     *
     * @param script the path of {@code reference_cost.py}
     * @param threads the BLAS thread count to give it
     * @param runs the repeat count to give it
     * @param shapes the shapes
     * @return the cost per shape
     * @throws InvalidInputException if the script cannot run or prints something unexpected
     */
    static Map<ConvShape, Cost> run(Path script, int threads, int runs, List<ConvShape> shapes) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "python3",
                                script.toString(),
                                "--threads",
                                Integer.toString(threads),
                                "--repeat",
                                Integer.toString(runs)));
        shapes.forEach(shape -> command.add(shape.toString()));
        Map<ConvShape, Cost> costs = new LinkedHashMap<>();
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader =
                    new BufferedReader(
                            new InputStreamReader(
                                    process.getInputStream(), StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            }
            int status = process.waitFor();
            if (status != 0) {
                throw new InvalidInputException(
                        "The reference script "
                                + script
                                + " failed with status "
                                + status
                                + ": "
                                + String.join(" | ", lines));
            }
            for (String line : lines) {
                JsonNode node = MAPPER.readTree(line);
                JsonNode s = node.get("shape");
                ConvShape shape =
                        new ConvShape(
                                s.get(0).asInt(),
                                s.get(1).asInt(),
                                s.get(2).asInt(),
                                s.get(3).asInt());
                costs.put(
                        shape,
                        new Cost(node.get("seconds").asDouble(), node.get("peak_rss_mb").asLong()));
            }
        } catch (IOException e) {
            throw new InvalidInputException(
                    "Cannot run the reference script "
                            + script
                            + " with python3: "
                            + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidInputException(
                    "Interrupted while running the reference script " + script, e);
        }
        return costs;
    }
}
