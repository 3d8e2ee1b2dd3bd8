package org.amct.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.amct.api.DecompositionOptions;
import org.amct.api.TensorDecompose;
import org.amct.api.exception.AmctException;
import org.amct.api.exception.ErrorCategory;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures leave the caller's model, the input files and earlier outputs as they were. */
class OnnxFaultsTest {
    @TempDir Path folder;

    private Path example() throws IOException {
        Path file = folder.resolve("tiny_resnet.onnx");
        Files.write(file, ExampleModels.tinyResNet().toByteArray());
        return file;
    }

    private static Map<String, byte[]> bytesOf(Map<String, Tensor> tensors) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        tensors.forEach(
                (name, tensor) -> {
                    byte[] data = new byte[tensor.data().remaining()];
                    tensor.data().get(data);
                    out.put(name, data);
                });
        return out;
    }

    @Test
    void aFailedCallLeavesTheCallersModelAndTheInputFileUnchanged() throws IOException {
        Path file = example();
        byte[] fileBefore = Files.readAllBytes(file);
        OnnxModel onnx = OnnxModel.read(file);
        ModelGraph graph = onnx.graph();
        Map<String, Tensor> before = new LinkedHashMap<>(graph.stateDict());
        Map<String, byte[]> dataBefore = bytesOf(before);
        // An info file naming a layer this model lacks, after one that fits: checked as a whole.
        Path info = folder.resolve("other_model_info.json");
        Files.writeString(
                info, "[" + infoFor("layer1.0.conv1") + ",\n" + infoFor("no.such.layer") + "]");
        AmctException e =
                assertThrows(
                        AmctException.class, () -> TensorDecompose.decomposeNetwork(graph, info));
        assertTrue(e.getMessage().contains("no.such.layer"), e.getMessage());
        // A decomposition that fails while writing its info file (the folder is missing).
        DecompositionOptions options =
                DecompositionOptions.builder()
                        .threads(1)
                        .decomposeInfoFile(folder.resolve("missing").resolve("info.json"))
                        .build();
        // A checked IOException, as from every entry point that writes a file (docs/errors.md).
        IOException io =
                assertThrows(
                        IOException.class, () -> TensorDecompose.autoDecomposition(graph, options));
        assertEquals(ErrorCategory.IO, ErrorCategory.of(io));
        assertTrue(Files.notExists(folder.resolve("missing")), "nothing left behind");
        Map<String, Tensor> after = graph.stateDict();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, tensor) -> assertSame(tensor, after.get(name), name));
        Map<String, byte[]> dataAfter = bytesOf(after);
        dataBefore.forEach((name, data) -> assertArrayEquals(data, dataAfter.get(name), name));
        assertSame(graph, onnx.graph());
        assertArrayEquals(fileBefore, Files.readAllBytes(file));
    }

    /** One decomposition-info entry for a 64-channel 3x3 conv of the example. */
    private static String infoFor(String layer) {
        return """
                {"ori_layer_info": {"name": "%s", "in_channels": 64, "out_channels": 64,
                "kernel_size": [3, 3], "stride": [1, 1], "dilation": [1, 1], "groups": 1},
                "mode": "SCFK", "decom_nodes": {"first": {"weight_shape": [16, 64, 3, 1]},
                "last": {"weight_shape": [64, 16, 1, 3]}}}"""
                .formatted(layer);
    }

    @Test
    void aModelAndItsDataFileAreReplacedTogetherOrNotAtAll() throws Exception {
        Path file = example();
        OnnxModel onnx = OnnxModel.read(file);
        Path out = Files.createDirectories(folder.resolve("out"));
        Path target = out.resolve("m.onnx");
        OnnxWriteOptions external = new OnnxWriteOptions(0, 1024);
        onnx.write(onnx.graph(), target, external);
        Path data = out.resolve("m.onnx.data");
        byte[] modelBefore = Files.readAllBytes(target);
        byte[] dataBefore = Files.readAllBytes(data);
        ModelGraph changed =
                TensorDecompose.autoDecomposition(
                                onnx.graph(), DecompositionOptions.builder().threads(1).build())
                        .model();
        // An immutable model file cannot be moved aside, even by root: the data file, moved in
        // first, must be put back.
        assumeTrue(chattr("+i", target), "chattr +i is not possible here, so no failing move");
        try {
            assertThrows(IOException.class, () -> onnx.write(changed, target, external));
        } finally {
            chattr("-i", target);
        }
        assertArrayEquals(modelBefore, Files.readAllBytes(target));
        assertArrayEquals(dataBefore, Files.readAllBytes(data));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(Set.of(target, data), Set.copyOf(files.toList()), "no temporary files");
        }
        OnnxModel.read(target);
    }

    private static boolean chattr(String flag, Path file) throws InterruptedException {
        try {
            Process process =
                    new ProcessBuilder(List.of("chattr", flag, file.toString()))
                            .redirectErrorStream(true)
                            .start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            process.getInputStream().readAllBytes();
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
