package org.amct.api.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Tensor.Writer}: the same bytes as {@link Tensor#fromDoubles} whatever the order. */
class TensorWriterTest {

    @Test
    void writingInAnyOrderGivesTheBytesOfFromDoubles() {
        int[] shape = {3, 5, 7};
        double[] values = new double[3 * 5 * 7];
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < values.length; i++) {
            values[i] = (random.nextDouble() - 0.5) * 1e6;
        }
        values[4] = Double.NaN;
        values[9] = 1e300; // clamped in every narrower type
        values[10] = -1e300;
        for (DType dtype :
                new DType[] {DType.FLOAT16, DType.BFLOAT16, DType.FLOAT32, DType.FLOAT64}) {
            Tensor.Writer writer = Tensor.writer(dtype, shape);
            for (int i = values.length - 1; i >= 0; i -= 2) {
                writer.set(i, values[i]);
            }
            for (int i = values.length - 2; i >= 0; i -= 2) {
                writer.set(i, values[i]);
            }
            assertEquals(Tensor.fromDoubles(dtype, shape, values), writer.toTensor(), dtype.name());
        }
    }

    @Test
    void unsetElementsAreZeroAndTheWriterEndsWithItsTensor() {
        Tensor.Writer writer = Tensor.writer(DType.FLOAT32, new int[] {2, 2});
        writer.set(3, 2.5);
        Tensor tensor = writer.toTensor();
        assertArrayEquals(new double[] {0, 0, 0, 2.5}, tensor.toDoubles());
        assertThrows(IllegalStateException.class, () -> writer.set(0, 1.0));
        assertThrows(IllegalStateException.class, writer::toTensor);
    }

    @Test
    void outOfRangeIndexAndIntegerTypesAreRejected() {
        Tensor.Writer writer = Tensor.writer(DType.FLOAT32, new int[] {2});
        assertThrows(IndexOutOfBoundsException.class, () -> writer.set(2, 1.0));
        assertThrows(IndexOutOfBoundsException.class, () -> writer.set(-1, 1.0));
        assertThrows(
                IllegalArgumentException.class, () -> Tensor.writer(DType.INT32, new int[] {2}));
        IllegalArgumentException count =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Tensor.fromDoubles(DType.FLOAT32, new int[] {2}, new double[3]));
        assertEquals("A tensor of shape [2] needs 2 values, got 3", count.getMessage());
    }
}
