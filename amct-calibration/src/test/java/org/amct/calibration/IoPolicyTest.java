package org.amct.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.amct.api.exception.ErrorCategory;
import org.amct.api.graph.Tensor;
import org.amct.onnx.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The I/O policy of docs/errors.md in amct-calibration and amct-onnx: an entry point that reads or
 * writes a file declares {@code IOException}; the batches' iterator, which cannot, throws {@code
 * UncheckedIOException}, and the entry points that consume batches rethrow its cause.
 */
class IoPolicyTest {
    @TempDir Path temp;

    /** The names of the methods that read or write whatever their parameters. */
    private static final java.util.Set<String> NAMES =
            java.util.Set.of("open", "read", "write", "writeWithPatchProbes", "collect", "compare");

    /**
     * Every public method of the classes that takes a Path or batches, or whose name says it reads
     * or writes.
     */
    @Test
    void everyEntryPointThatTouchesAFileDeclaresIoException() {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Class<?> type :
                List.of(
                        OnnxModel.class,
                        NpyArray.class,
                        CalibrationData.class,
                        OrtModel.class,
                        PatchStatistics.class,
                        Fidelity.class,
                        OutputCosine.class)) {
            for (Method method : type.getDeclaredMethods()) {
                if (!Modifier.isPublic(method.getModifiers())) {
                    continue;
                }
                boolean file = Arrays.asList(method.getParameterTypes()).contains(Path.class);
                boolean batches =
                        Arrays.asList(method.getParameterTypes()).contains(Iterable.class);
                boolean named = NAMES.contains(method.getName());
                if (!file && !batches && !named) {
                    continue;
                }
                checked++;
                if (!Arrays.asList(method.getExceptionTypes()).contains(IOException.class)) {
                    missing.add(type.getSimpleName() + "." + method.getName());
                }
            }
        }
        assertTrue(checked >= 10, checked + " entry points found");
        assertEquals(List.of(), missing, "entry points that touch a file without IOException");
    }

    @Test
    void aMissingModelIsAnIoExceptionNotAnInferenceFailure() {
        Path missing = temp.resolve("nope.onnx");
        NoSuchFileException e =
                assertThrows(NoSuchFileException.class, () -> OrtModel.open(missing, 1));
        assertEquals(missing.toString(), e.getFile());
        assertEquals(ErrorCategory.IO, ErrorCategory.of(e));
    }

    @Test
    void aBatchThatCannotBeReadComesOutAsItsIoException() {
        IOException disk = new IOException("disk gone");
        Iterable<Map<String, Tensor>> failing =
                () ->
                        new Iterator<>() {
                            @Override
                            public boolean hasNext() {
                                return true;
                            }

                            @Override
                            public Map<String, Tensor> next() {
                                throw new UncheckedIOException(disk);
                            }
                        };
        Path model = CalibratedDecompositionTest.EXAMPLE;
        IOException e =
                assertThrows(
                        IOException.class, () -> Fidelity.compare(model, model, failing, 1, 1));
        assertSame(disk, e);
        IOException collected =
                assertThrows(
                        IOException.class,
                        () -> PatchStatistics.collect(OnnxModel.read(model), failing, 1));
        assertSame(disk, collected);
    }
}
