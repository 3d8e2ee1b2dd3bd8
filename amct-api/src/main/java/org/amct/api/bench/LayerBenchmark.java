package org.amct.api.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.amct.api.decompose.DecomposedLayer;
import org.amct.api.decompose.LayerDecomposer;
import org.amct.api.exception.DecompositionException;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.Size2d;
import org.amct.api.graph.Tensor;
import org.amct.api.io.HeapShortage;
import org.amct.spi.ComputeBackend;

/**
 * Times the whole per-layer work (unfold a float32 weight to float64, factorize, choose the rank,
 * compute the leading vectors and the two factors) on an opened backend, after warm-up runs, and
 * records peak memory. The weight is Gaussian with a fixed seed, like the reference's cost script.
 */
public final class LayerBenchmark {
    private LayerBenchmark() {}

    /**
     * Measures one shape.
     *
     * @param backend the opened backend
     * @param shape the layer shape
     * @param warmups untimed runs first (JIT, caches)
     * @param runs timed runs, {@code >= 1}
     * @param seed the seed of the random weight
     * @return the measurement
     */
    public static Measurement run(
            ComputeBackend backend, ConvShape shape, int warmups, int runs, long seed) {
        Objects.requireNonNull(backend, "backend");
        if (runs < 1 || warmups < 0) {
            throw new IllegalArgumentException("runs must be >= 1 and warmups >= 0");
        }
        checkHeap(backend, shape);
        Conv2d conv = randomConv(shape, seed);
        for (int i = 0; i < warmups; i++) {
            LayerDecomposer.decompose(shape.toString(), conv, backend, false);
        }
        PeakMemory.reset();
        List<Double> seconds = new ArrayList<>();
        int rank = 0;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            DecomposedLayer layer =
                    LayerDecomposer.decompose(shape.toString(), conv, backend, false);
            seconds.add((System.nanoTime() - start) / 1e9);
            rank = layer.rankChoice().rank();
        }
        return new Measurement(
                backend.id().value(),
                backend.device(),
                shape,
                rank,
                seconds,
                PeakMemory.heapPeakBytes(),
                PeakMemory.residentPeakBytes());
    }

    /**
     * Refuses a shape whose weight and factorization would not fit in the heap, as the
     * decomposition does, before anything is allocated.
     */
    private static void checkHeap(ComputeBackend backend, ConvShape shape) {
        long weight =
                4L * shape.outChannels() * shape.inChannels() * shape.kernelH() * shape.kernelW();
        long needed =
                weight
                        + LayerDecomposer.peakBytes(
                                shape.rows(), shape.cols(), DType.FLOAT32, backend, false);
        long available = HeapShortage.available();
        if (needed > available) {
            System.gc(); // garbage may hold what a collection would free
            available = HeapShortage.available();
        }
        if (needed > available) {
            throw new DecompositionException(
                    HeapShortage.refused(
                            "Benchmarking shape " + shape + " on backend '" + backend.id() + "'",
                            needed,
                            available));
        }
    }

    /**
     * A conv of the given shape with standard-normal float32 weights scaled by {@code
     * 1/sqrt(fanIn)}, no bias.
     *
     * @param shape the shape
     * @param seed the seed
     * @return the layer
     */
    public static Conv2d randomConv(ConvShape shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] dims = {shape.outChannels(), shape.inChannels(), shape.kernelH(), shape.kernelW()};
        int count = Math.toIntExact(Tensor.elementCount(dims));
        double scale =
                1.0 / Math.sqrt((double) shape.inChannels() * shape.kernelH() * shape.kernelW());
        // written straight into the tensor's buffer: a float[] first would leave a second copy
        // of the weight as garbage on the heap, counted in the resident peak of large shapes
        ByteBuffer values =
                ByteBuffer.allocate(Math.multiplyExact(count, Float.BYTES))
                        .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            values.putFloat((float) (gaussian(random) * scale));
        }
        values.flip();
        return Conv2d.builder(
                        shape.inChannels(),
                        shape.outChannels(),
                        new Size2d(shape.kernelH(), shape.kernelW()))
                .withBias(false)
                .weight(Tensor.wrap(DType.FLOAT32, dims, values))
                .dtype(DType.FLOAT32)
                .build();
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
