package org.amct.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.amct.api.DecompositionOptions;
import org.amct.api.DecompositionResult;
import org.amct.api.TensorDecompose;
import org.amct.api.backend.BackendCatalog;
import org.amct.api.backend.BackendRequest;
import org.amct.api.backend.ProbeReport;
import org.amct.api.backend.ThreadPolicy;
import org.amct.api.bench.ConvShape;
import org.amct.api.bench.LayerBenchmark;
import org.amct.api.bench.Measurement;
import org.amct.api.bench.ReferenceModels;
import org.amct.spi.BackendId;
import org.amct.spi.ComputeBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code amct bench}: times the per-layer work on one or every backend, side by side in one run,
 * and optionally a whole ResNet-50-shaped model.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Times the decomposition of Conv2d shapes on backends, side by side. Each shape is"
                    + " COUTxCINxKHxKW (e.g. 512x512x3x3) with Gaussian weights; each time is the"
                    + " median of --runs runs after --warmups untimed ones and covers the whole"
                    + " per-layer work (unfold, factorize, rank rule, vectors, factors)."
        })
final class BenchCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "SHAPE", arity = "0..*", description = "Layer shapes to time.")
    private List<String> shapes = new ArrayList<>();

    @Option(
            names = "--backend",
            paramLabel = "ID|all",
            description =
                    "A backend id, or 'all' for every available one (default: the one a"
                            + " run would use).")
    private String backend;

    @Option(
            names = "--runs",
            paramLabel = "N",
            defaultValue = "3",
            description = "Timed runs per shape (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Option(
            names = "--warmups",
            paramLabel = "N",
            defaultValue = "1",
            description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
    private int warmups;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "CPU threads per backend (and for the reference script); 0 means"
                            + " automatic: the processors the load average leaves idle.")
    private int threads;

    private int resolvedThreads;

    @Option(
            names = "--resnet50",
            description = "Also decompose a ResNet-50-shaped model (random weights) end to end.")
    private boolean resnet50;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    private boolean json;

    @Option(
            names = "--reference",
            paramLabel = "SCRIPT",
            description =
                    "Also run the reference tool's cost script (reference_cost.py, numpy) on the"
                            + " same shapes with the same thread count, and print the ratios.")
    private java.nio.file.Path reference;

    @Override
    public Integer call() throws IOException {
        if (shapes.isEmpty() && !resnet50) {
            throw new ParameterException(
                    spec.commandLine(), "Give at least one SHAPE, or --resnet50");
        }
        if (runs < 1 || warmups < 0 || threads < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--runs must be >= 1, --warmups and --threads >= 0");
        }
        List<ConvShape> parsed = parseShapes();
        double loadBefore = loadAverage();
        resolvedThreads = ThreadPolicy.resolve(threads);
        BackendCatalog catalog = BackendCatalog.discover();
        List<Measurement> measurements = new ArrayList<>();
        for (ProbeReport report : backends(catalog)) {
            measurements.addAll(measure(catalog, report.descriptor().id(), parsed));
        }
        Map<ConvShape, ReferenceCost.Cost> costs =
                reference == null
                        ? Map.of()
                        : ReferenceCost.run(reference, effectiveThreads(), runs, parsed);
        long start = System.nanoTime();
        Optional<DecompositionResult> model = resnet50 ? Optional.of(resnet50()) : Optional.empty();
        double modelSeconds = (System.nanoTime() - start) / 1e9;
        double loadAfter = loadAverage();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(
                    toJson(
                            measurements,
                            costs,
                            model,
                            modelSeconds,
                            resolvedThreads,
                            loadBefore,
                            loadAfter));
        } else {
            out.printf(
                    Locale.ROOT,
                    "%d thread%s; load average (1 min) %s at the start, %s at the end%n",
                    resolvedThreads,
                    resolvedThreads == 1 ? "" : "s",
                    formatLoad(loadBefore),
                    formatLoad(loadAfter));
            printTable(out, measurements);
            printReference(out, measurements, costs, effectiveThreads());
            model.ifPresent(result -> printModel(out, result, modelSeconds));
        }
        return ExitCode.SUCCESS.code();
    }

    /** The system's one-minute load average, negative when the platform does not report it. */
    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage();
    }

    private static String formatLoad(double load) {
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }

    /** The thread count both sides run with, resolved once so that both get the same. */
    private int effectiveThreads() {
        return resolvedThreads;
    }

    private static void printReference(
            PrintWriter out,
            List<Measurement> measurements,
            Map<ConvShape, ReferenceCost.Cost> costs,
            int threads) {
        if (costs.isEmpty()) {
            return;
        }
        out.printf(
                Locale.ROOT,
                "%nAgainst reference_cost.py (numpy, %d threads, same run):%n"
                        + "%-14s %-10s %10s %10s %10s %11s %11s %10s%n",
                threads,
                "shape",
                "backend",
                "ours s",
                "ref s",
                "ref/ours",
                "ours RSS MB",
                "ref RSS MB",
                "ref/ours");
        for (Measurement m : measurements) {
            ReferenceCost.Cost cost = costs.get(m.shape());
            if (cost != null) {
                OptionalLong ours = m.residentPeakBytes();
                out.printf(
                        Locale.ROOT,
                        "%-14s %-10s %10.3f %10.3f %9.1fx %11s %11d %10s%n",
                        m.shape(),
                        m.backend(),
                        m.medianSeconds(),
                        cost.seconds(),
                        cost.seconds() / m.medianSeconds(),
                        ours.isPresent() ? Long.toString(ours.getAsLong() >> 20) : "-",
                        cost.peakRssMegabytes(),
                        ours.isPresent() && ours.getAsLong() > 0
                                ? String.format(
                                        Locale.ROOT,
                                        "%.1fx",
                                        (cost.peakRssMegabytes() << 20) / (double) ours.getAsLong())
                                : "-");
            }
        }
    }

    private List<ConvShape> parseShapes() {
        List<ConvShape> parsed = new ArrayList<>();
        for (String text : shapes) {
            try {
                parsed.add(ConvShape.parse(text));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        return parsed;
    }

    /** The backends to time: the requested one, every available one, or the automatic pick. */
    private List<ProbeReport> backends(BackendCatalog catalog) {
        if ("all".equals(backend)) {
            return catalog.reports().stream().filter(r -> r.availability().isAvailable()).toList();
        }
        Optional<BackendId> requested;
        try {
            requested = Optional.ofNullable(backend).map(BackendId::of);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(), "--backend '" + backend + "': " + e.getMessage());
        }
        return List.of(BackendRequest.select(catalog, requested).chosen());
    }

    private List<Measurement> measure(
            BackendCatalog catalog, BackendId id, List<ConvShape> parsed) {
        List<Measurement> out = new ArrayList<>();
        var selection = catalog.select(Optional.of(id));
        try (ComputeBackend opened =
                selection.provider().open(new org.amct.spi.BackendOptions(resolvedThreads))) {
            for (ConvShape shape : parsed) {
                out.add(LayerBenchmark.run(opened, shape, warmups, runs, 7));
            }
        }
        return out;
    }

    private DecompositionResult resnet50() throws IOException {
        DecompositionOptions.Builder options =
                DecompositionOptions.builder().threads(resolvedThreads);
        if (backend != null && !"all".equals(backend)) {
            options.backend(backend);
        }
        return TensorDecompose.autoDecomposition(ReferenceModels.resnet50(1), options.build());
    }

    private static void printTable(PrintWriter out, List<Measurement> measurements) {
        if (measurements.isEmpty()) {
            return;
        }
        out.printf(
                Locale.ROOT,
                "%-14s %-11s %-10s %5s %10s %10s %10s %9s%n",
                "shape",
                "n x m",
                "backend",
                "rank",
                "median s",
                "heap MB",
                "RSS MB",
                "x fastest");
        for (Measurement m : measurements) {
            double fastest =
                    measurements.stream()
                            .filter(o -> o.shape().equals(m.shape()))
                            .mapToDouble(Measurement::medianSeconds)
                            .min()
                            .orElse(m.medianSeconds());
            out.printf(
                    Locale.ROOT,
                    "%-14s %-11s %-10s %5d %10.3f %10d %10s %9.2f%n",
                    m.shape(),
                    m.shape().rows() + "x" + m.shape().cols(),
                    m.backend(),
                    m.rank(),
                    m.medianSeconds(),
                    m.heapPeakBytes() >> 20,
                    m.residentPeakBytes().isPresent()
                            ? Long.toString(m.residentPeakBytes().getAsLong() >> 20)
                            : "-",
                    m.medianSeconds() / fastest);
        }
        measurements.stream()
                .map(m -> "  " + m.backend() + ": " + m.device())
                .distinct()
                .forEach(out::println);
    }

    private static void printModel(PrintWriter out, DecompositionResult result, double seconds) {
        out.printf(
                Locale.ROOT,
                "ResNet-50-shaped model: %d layers decomposed, %d left unchanged, %.2f s end to end on '%s' (%s)%n",
                result.layers().size(),
                result.skipped().size(),
                seconds,
                result.backend().id(),
                result.backend().device());
    }

    private static String toJson(
            List<Measurement> measurements,
            Map<ConvShape, ReferenceCost.Cost> costs,
            Optional<DecompositionResult> model,
            double modelSeconds,
            int threads,
            double loadBefore,
            double loadAfter) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("threads", threads);
        if (loadBefore >= 0) {
            root.put("load_average_start", loadBefore);
        }
        if (loadAfter >= 0) {
            root.put("load_average_end", loadAfter);
        }
        ArrayNode rows = root.putArray("measurements");
        for (Measurement m : measurements) {
            ObjectNode row = rows.addObject();
            row.put("shape", m.shape().toString());
            row.put("rows", m.shape().rows());
            row.put("cols", m.shape().cols());
            row.put("backend", m.backend());
            row.put("device", m.device());
            row.put("rank", m.rank());
            row.put("median_seconds", m.medianSeconds());
            ArrayNode times = row.putArray("seconds");
            m.seconds().forEach(times::add);
            row.put("heap_peak_bytes", m.heapPeakBytes());
            m.residentPeakBytes().ifPresent(v -> row.put("resident_peak_bytes", v));
            ReferenceCost.Cost cost = costs.get(m.shape());
            if (cost != null) {
                row.put("reference_seconds", cost.seconds());
                row.put("reference_peak_rss_bytes", cost.peakRssMegabytes() << 20);
                row.put("reference_over_ours", cost.seconds() / m.medianSeconds());
                m.residentPeakBytes()
                        .ifPresent(
                                v ->
                                        row.put(
                                                "reference_rss_over_ours",
                                                (cost.peakRssMegabytes() << 20) / (double) v));
            }
        }
        model.ifPresent(
                result -> {
                    ObjectNode node = root.putObject("resnet50");
                    node.put("backend", result.backend().id());
                    node.put("layers_decomposed", result.layers().size());
                    node.put("seconds", modelSeconds);
                });
        try {
            return MAPPER.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the benchmark JSON", e);
        }
    }
}
