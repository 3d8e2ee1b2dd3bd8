package org.amct.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SPI's value types: their validation, ownership rules, equality and ordering. */
class ValueTypesTest {

    @Test
    void wrapSharesTheArrayAndCopyOfDoesNot() {
        double[] data = {1, 2, 3, 4, 5, 6};
        DenseMatrix wrapped = DenseMatrix.wrap(2, 3, data);
        DenseMatrix copied = DenseMatrix.copyOf(2, 3, data);
        assertSame(data, wrapped.backingArray());
        assertNotSame(data, copied.backingArray());
        data[5] = 60;
        assertEquals(60, wrapped.get(1, 2));
        assertEquals(6, copied.get(1, 2));
        double[] out = wrapped.toArray();
        out[0] = -1;
        assertEquals(1, wrapped.get(0, 0), "toArray returns a copy");
    }

    @Test
    void elementsAreRowMajor() {
        DenseMatrix a = DenseMatrix.wrap(2, 3, new double[] {1, 2, 3, 4, 5, 6});
        assertEquals(2, a.rows());
        assertEquals(3, a.cols());
        assertEquals(3, a.get(0, 2));
        assertEquals(4, a.get(1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(-1, 0));
    }

    @Test
    void aMatrixRejectsALengthThatDoesNotFitItsShape() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DenseMatrix.wrap(2, 3, new double[5]));
        assertEquals("A 2 x 3 matrix needs 6 elements, got 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DenseMatrix.wrap(-1, 0, new double[0]));
        assertThrows(NullPointerException.class, () -> DenseMatrix.wrap(0, 0, null));
        // A shape whose element count overflows int is refused, not wrapped around.
        assertThrows(
                IllegalArgumentException.class,
                () -> DenseMatrix.wrap(65536, 65536, new double[0]));
        assertEquals(0, DenseMatrix.wrap(0, 7, new double[0]).backingArray().length);
    }

    @Test
    void matricesAreEqualByShapeAndElementsComparedAsByDoubleCompare() {
        DenseMatrix a = DenseMatrix.copyOf(1, 2, new double[] {Double.NaN, 0.0});
        DenseMatrix b = DenseMatrix.copyOf(1, 2, new double[] {Double.NaN, 0.0});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, DenseMatrix.copyOf(1, 2, new double[] {Double.NaN, -0.0}));
        assertNotEquals(a, DenseMatrix.copyOf(2, 1, new double[] {Double.NaN, 0.0}));
        assertEquals("DenseMatrix[1 x 2]", a.toString());
    }

    @Test
    void backendIdsHaveOneDocumentedForm() {
        assertEquals("openblas", BackendId.of("openblas").value());
        assertEquals("nd4j-cuda2", BackendId.of("nd4j-cuda2").toString());
        for (String bad : new String[] {"", "EJML", "1blas", "-x", "a b", "a_b", "a".repeat(33)}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> BackendId.of(bad), bad);
            assertTrue(e.getMessage().startsWith("Backend id '" + bad + "' is not valid"), bad);
        }
        assertEquals(32, BackendId.of("a".repeat(32)).value().length());
        assertThrows(NullPointerException.class, () -> BackendId.of(null));
        List<BackendId> ids =
                new ArrayList<>(List.of(BackendId.of("openblas"), BackendId.of("aparapi")));
        Collections.sort(ids);
        assertEquals(List.of(BackendId.of("aparapi"), BackendId.of("openblas")), ids);
    }

    @Test
    void availabilityIsOneOfTwoRecords() {
        Availability yes = Availability.available("CPU, 2 threads", 100);
        Availability no = Availability.unavailable("no device", "install a driver");
        assertTrue(yes.isAvailable());
        assertFalse(no.isAvailable());
        assertEquals(new Availability.Available("CPU, 2 threads", 100), yes);
        assertEquals("no device", ((Availability.Unavailable) no).reason());
        assertThrows(NullPointerException.class, () -> Availability.available(null, 1));
        assertThrows(NullPointerException.class, () -> Availability.unavailable("r", null));
        assertThrows(NullPointerException.class, () -> Availability.unavailable(null, "h"));
    }

    @Test
    void descriptorsRequireEveryPart() {
        BackendDescriptor d = new BackendDescriptor(BackendId.of("x"), "X", DeviceKind.CPU);
        assertEquals(DeviceKind.CPU, d.deviceKind());
        assertThrows(
                NullPointerException.class, () -> new BackendDescriptor(null, "X", DeviceKind.CPU));
        assertThrows(
                NullPointerException.class,
                () -> new BackendDescriptor(BackendId.of("x"), null, DeviceKind.CPU));
        assertThrows(
                NullPointerException.class,
                () -> new BackendDescriptor(BackendId.of("x"), "X", null));
    }

    @Test
    void optionsResolveZeroThreadsToTheProcessors() {
        assertEquals(3, new BackendOptions(3).effectiveThreads());
        assertEquals(
                Runtime.getRuntime().availableProcessors(),
                BackendOptions.defaults().effectiveThreads());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new BackendOptions(-1));
        assertEquals("threads must be >= 0, got -1", e.getMessage());
    }

    @Test
    void anSvdResultChecksThatItsFactorsFitTogether() {
        DenseMatrix p = DenseMatrix.wrap(3, 2, new double[6]);
        DenseMatrix c = DenseMatrix.wrap(2, 5, new double[10]);
        SvdResult result = new SvdResult(p, c);
        assertEquals(2, result.rank());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SvdResult(p, DenseMatrix.wrap(3, 5, new double[15])));
        assertEquals("Rank mismatch: P is 3 x 2 but P^T A is 3 x 5", e.getMessage());
        assertThrows(NullPointerException.class, () -> new SvdResult(null, c));
    }

    @Test
    void backendExceptionsKeepMessageAndCause() {
        IllegalStateException cause = new IllegalStateException("dsytrd info=-3");
        BackendException e = new BackendException("Backend 'openblas': dsytrd failed", cause);
        assertEquals("Backend 'openblas': dsytrd failed", e.getMessage());
        assertSame(cause, e.getCause());
    }
}
