package org.amct.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.amct.api.exception.ErrorCategory;
import org.amct.api.format.Safetensors;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.report.HtmlReport;
import org.amct.api.report.JsonReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The I/O policy of docs/errors.md: every public entry point of amct-api that reads or writes a
 * file declares {@code IOException} (also {@code autoDecomposition(model, options)}, whose options
 * may name the info file), and a failed write comes out as that checked exception, of category
 * {@link ErrorCategory#IO}, with nothing left behind.
 */
class IoPolicyTest {
    @TempDir Path temp;

    @Test
    void everyEntryPointThatTouchesAFileDeclaresIoException() {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Class<?> type :
                List.of(
                        TensorDecompose.class,
                        Decomposer.class,
                        DecomposedWeights.class,
                        Safetensors.class,
                        HtmlReport.class,
                        JsonReport.class)) {
            for (Method method : type.getDeclaredMethods()) {
                List<Class<?>> parameters = Arrays.asList(method.getParameterTypes());
                boolean file =
                        parameters.contains(Path.class)
                                || parameters.contains(DecompositionOptions.class)
                                        && method.getName().equals("autoDecomposition");
                if (!Modifier.isPublic(method.getModifiers()) || !file) {
                    continue;
                }
                checked++;
                if (!Arrays.asList(method.getExceptionTypes()).contains(IOException.class)) {
                    missing.add(type.getSimpleName() + "." + method.getName() + parameters);
                }
            }
        }
        assertTrue(checked >= 12, checked + " entry points found");
        assertEquals(List.of(), missing, "entry points that touch a file without IOException");
    }

    @Test
    void aFailedInfoWriteIsACheckedIoExceptionOfCategoryIoAndLeavesNothing() throws IOException {
        ModelGraph model = TinyNets.resnetLike(5, DType.FLOAT32);
        Path info = temp.resolve("missing").resolve("decompose_info.json");
        DecompositionOptions options =
                DecompositionOptions.builder().backend("ejml").decomposeInfoFile(info).build();
        IOException fromStatic =
                assertThrows(
                        IOException.class, () -> TensorDecompose.autoDecomposition(model, options));
        assertEquals(ErrorCategory.IO, ErrorCategory.of(fromStatic));
        IOException fromInstance =
                assertThrows(
                        IOException.class,
                        () ->
                                Decomposer.withDiscoveredBackends()
                                        .autoDecomposition(model, options));
        assertEquals(ErrorCategory.IO, ErrorCategory.of(fromInstance));
        try (Stream<Path> left = Files.list(temp)) {
            assertEquals(List.of(), left.toList(), "nothing left behind");
        }
    }
}
