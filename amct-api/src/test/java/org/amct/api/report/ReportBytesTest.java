package org.amct.api.report;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.amct.api.BackendInfo;
import org.amct.api.CompressionTarget;
import org.amct.api.DecompositionResult;
import org.amct.api.LayerReport;
import org.amct.api.ModelTotals;
import org.amct.api.SkippedLayer;
import org.amct.api.Spectrum;
import org.amct.api.TargetReport;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.OpaqueLayer;
import org.amct.api.graph.Sequential;
import org.amct.api.graph.Size2d;
import org.junit.jupiter.api.Test;

/**
 * report.json and report.html of one fixed result, byte for byte, through {@code
 * DecompositionResult.summary()}: the files under {@code src/test/resources/org/amct/api/report/}
 * were written by the renderers as they were before the report package got its own records (when
 * they read {@code DecompositionResult} itself), so a change of the bytes is a change of the
 * format, never an accident of a refactoring. The result covers every branch the pages have: a
 * layer of the reference rule, one whose rule fell back on invalid numbers, one with a policy and
 * one with a clamped float16 factor; MACs per inference and a target; a skipped Conv2d and a
 * skipped name that is not one; the info file; a context with every part. {@code
 * -Damct.golden.update=true} rewrites the files (then check the diff).
 */
class ReportBytesTest {
    private static final Path GOLDEN =
            Path.of("src", "test", "resources", "org", "amct", "api", "report");

    private static Conv2d conv(int in, int out, int kh, int kw, boolean bias) {
        return Conv2d.builder(in, out, new Size2d(kh, kw)).withBias(bias).build();
    }

    private static ModelGraph original() {
        return ModelGraph.builder("Golden")
                .add("stem", conv(3, 64, 7, 7, false))
                .add("a", conv(64, 64, 3, 3, true))
                .add("b", conv(64, 128, 3, 3, false))
                .add("grouped", Conv2d.builder(64, 64, Size2d.square(3)).groups(2).build())
                .add("relu", OpaqueLayer.leaf("ReLU"))
                .build();
    }

    private static ModelGraph decomposed() {
        return ModelGraph.builder("Golden")
                .add("stem", conv(3, 64, 7, 7, false))
                .add(
                        "a",
                        Sequential.of(List.of(conv(64, 32, 3, 1, false), conv(32, 64, 1, 3, true))))
                .add(
                        "b",
                        Sequential.of(
                                List.of(conv(64, 48, 3, 1, false), conv(48, 128, 1, 3, false))))
                .add("grouped", Conv2d.builder(64, 64, Size2d.square(3)).groups(2).build())
                .add("relu", OpaqueLayer.leaf("ReLU"))
                .build();
    }

    private static double[] spectrum(int n, double decay) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = 10 * Math.pow(decay, i) + 1e-3 / (i + 1);
        }
        return values;
    }

    private static LayerReport layer(
            String name,
            int rank,
            int out,
            double error,
            double stored,
            long clamped,
            Spectrum spectrum,
            String policy,
            OptionalLong before,
            OptionalLong after) {
        long paramsBefore = 64L * out * 9 + (name.equals("a") ? out : 0);
        long paramsAfter = 64L * rank * 3 + (long) rank * out * 3 + (name.equals("a") ? out : 0);
        return new LayerReport(
                name,
                "SCFK",
                rank,
                64,
                out,
                Size2d.square(3),
                Size2d.square(1),
                List.of(rank, 64, 3, 1),
                List.of(out, rank, 1, 3),
                paramsBefore,
                paramsAfter,
                64L * out * 9,
                64L * rank * 3 + (long) rank * out * 3,
                error,
                stored,
                clamped,
                0.125 + rank / 1024.0,
                spectrum,
                policy,
                before,
                after);
    }

    static DecompositionResult result() {
        LayerReport a =
                layer(
                        "a",
                        32,
                        64,
                        0.0812345678901234,
                        0.0812345678901234,
                        0,
                        new Spectrum(spectrum(64, 0.9), 0.75, 20, 27, 32),
                        "amct",
                        OptionalLong.of(36_864L * 32 * 32),
                        OptionalLong.of(12_288L * 32 * 32));
        LayerReport b =
                layer(
                        "b",
                        48,
                        128,
                        0.4123,
                        0.4187,
                        3,
                        new Spectrum(spectrum(64, 0.8), Double.NaN, -1, 14, 16),
                        "energy:0.9",
                        OptionalLong.of(73_728L * 16 * 16),
                        OptionalLong.of(27_648L * 16 * 16));
        ModelTotals totals =
                new ModelTotals(
                        original().convs().values().stream()
                                .mapToLong(Conv2d::parameterCount)
                                .sum(),
                        decomposed().convs().values().stream()
                                .mapToLong(Conv2d::parameterCount)
                                .sum(),
                        OptionalLong.of(123_456_789L),
                        OptionalLong.of(45_678_901L));
        return new DecompositionResult(
                decomposed(),
                Map.of("a", List.of("a.0", "a.1"), "b", List.of("b.0", "b.1")),
                new BackendInfo("ejml", "EJML (pure Java)", "CPU, 2 threads", true),
                List.of(a, b),
                List.of(
                        new SkippedLayer("stem", "min channels 3 < 64 with a kernel side 7"),
                        new SkippedLayer("grouped", "groups 2 > 1"),
                        new SkippedLayer("gone", "not a <Conv2d> & \"odd\"")),
                Optional.of(Path.of("out", "decompose_info.json")),
                totals,
                Optional.of(
                        new TargetReport(CompressionTarget.params(0.4), 250_000, 100_000, 99_123)));
    }

    static ReportContext context() {
        return ReportContext.builder()
                .model("golden.onnx")
                .version("0.1.0-test")
                .date(Instant.parse("2026-01-02T03:04:05Z"))
                .commandLine("amct decompose golden.onnx -o out --report-html 'a b'")
                .fact("Calibration", "64 samples <chips>")
                .section(
                        new ReportContext.Section(
                                "fidelity",
                                "Fidelity on real inputs",
                                "Both models on 8 samples.",
                                List.of("output", "mean cosine"),
                                List.of(List.of("embedding", "0.96"))))
                .build();
    }

    static byte[] json() {
        return JsonReport.toJson("golden.onnx", original(), result().summary(), 2.5);
    }

    static byte[] html() {
        return HtmlReport.render(result().summary(), context()).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] plainHtml() {
        return HtmlReport.render(result().summary()).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void reportJsonIsByteIdenticalToTheGoldenFile() throws IOException {
        check("golden-report.json", json());
    }

    @Test
    void reportHtmlIsByteIdenticalToTheGoldenFile() throws IOException {
        check("golden-report.html", html());
        check("golden-report-plain.html", plainHtml());
    }

    private static void check(String name, byte[] bytes) throws IOException {
        if (Boolean.getBoolean("amct.golden.update")) {
            Files.write(GOLDEN.resolve(name), bytes);
            return;
        }
        byte[] golden;
        try (InputStream in = ReportBytesTest.class.getResourceAsStream(name)) {
            assertTrue(in != null, name + " is on the test class path");
            golden = in.readAllBytes();
        }
        int n = Math.min(golden.length, bytes.length);
        for (int i = 0; i < n; i++) {
            if (golden[i] != bytes[i]) {
                fail(
                        name
                                + " differs from the golden file at byte "
                                + i
                                + ": "
                                + excerpt(bytes, i)
                                + " instead of "
                                + excerpt(golden, i));
            }
        }
        if (golden.length != bytes.length) {
            fail(name + " has " + bytes.length + " bytes, the golden file " + golden.length);
        }
    }

    private static String excerpt(byte[] bytes, int at) {
        int from = Math.max(0, at - 40);
        int to = Math.min(bytes.length, at + 40);
        return "'" + new String(bytes, from, to - from, StandardCharsets.UTF_8) + "'";
    }
}
