package org.amct.api.decompose;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.amct.api.exception.DecompositionException;
import org.amct.api.exception.ErrorCategory;
import org.amct.api.exception.Quoted;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the new weights of the layers decomposed in one run in the heap up to a share of it, and
 * beyond that share in memory-mapped temporary files, so that the sum of a model's new factors
 * (kept until the model is written) is not limited by the heap: only each layer's own working set
 * is.
 *
 * <p>A spilled weight is written to a new file in the spill folder ({@code java.io.tmpdir} unless
 * given), mapped, and the file is deleted at once: the map keeps its pages (which the kernel writes
 * back and drops under memory pressure, like any file page), nothing is left on disk when the
 * process ends, however it ends. Where the file system refuses to delete a mapped file (Windows),
 * it is deleted when the JVM exits. The bytes are those of the heap weight: spilling changes no
 * result. Thread-safe.
 */
public final class FactorSpill {
    private static final Logger LOG = LoggerFactory.getLogger(FactorSpill.class);

    /** The share of the maximum heap the new weights may take before they are spilled. */
    static final int HEAP_SHARE_DIVISOR = 4;

    /** The bytes written at once: the JDK copies a heap buffer through a direct one this size. */
    private static final int WRITE_SLICE = 1 << 20;

    private final long heapLimit;
    private final Path folder;
    private long inHeap;
    private boolean announced;

    /**
     * A spill that keeps up to {@code heapLimit} bytes of new weights in the heap.
     *
     * @param heapLimit the bytes of new weights kept in the heap, {@code >= 0}
     * @param folder where spilled weights are written
     */
    FactorSpill(long heapLimit, Path folder) {
        if (heapLimit < 0) {
            throw new IllegalArgumentException("heapLimit must be >= 0, got " + heapLimit);
        }
        this.heapLimit = heapLimit;
        this.folder = Objects.requireNonNull(folder, "folder");
    }

    /**
     * The spill for this JVM: a quarter of the maximum heap for new weights, the rest in {@code
     * java.io.tmpdir}.
     *
     * @return a new spill, for one run
     */
    public static FactorSpill forThisHeap() {
        return new FactorSpill(
                Runtime.getRuntime().maxMemory() / HEAP_SHARE_DIVISOR,
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * The outcome with its new weights kept: as given while they fit in the heap share, otherwise
     * as read-only views of mapped temporary files.
     *
     * @param name the layer, for messages
     * @param outcome a layer's outcome
     * @return the outcome, its weights possibly spilled
     * @throws DecompositionException if a spill file cannot be written ({@link ErrorCategory#IO})
     */
    public LayerDecomposer.Outcome keep(String name, LayerDecomposer.Outcome outcome) {
        if (outcome.layer().isEmpty()) {
            return outcome;
        }
        DecomposedLayer layer = outcome.layer().get();
        long bytes = heapBytes(layer.first()) + heapBytes(layer.last());
        if (!spills(bytes)) {
            return outcome;
        }
        DecomposedLayer spilled =
                new DecomposedLayer(
                        layer.unfolding(),
                        spill(name, layer.first()),
                        spill(name, layer.last()),
                        layer.rankChoice(),
                        layer.singularValues(),
                        layer.whitenedSpectrum(),
                        layer.relativeError(),
                        layer.storedError(),
                        layer.clampedElements(),
                        layer.seconds());
        return new LayerDecomposer.Outcome(
                outcome.decision(), Optional.of(spilled), outcome.singularValues());
    }

    /** Whether {@code bytes} more go to files; counts them in the heap share otherwise. */
    private synchronized boolean spills(long bytes) {
        if (bytes == 0 || inHeap + bytes <= heapLimit) {
            inHeap += bytes;
            return false;
        }
        if (!announced) {
            announced = true;
            LOG.info(
                    "New weights beyond {} MB (a quarter of the heap) are kept in memory-mapped"
                            + " temporary files in {} (deleted once mapped)",
                    heapLimit >> 20,
                    folder);
        }
        return true;
    }

    private static long heapBytes(Conv2d conv) {
        Tensor weight = conv.weight();
        return weight.data().isDirect() ? 0 : weight.byteSize();
    }

    private Conv2d spill(String name, Conv2d conv) {
        Tensor weight = conv.weight();
        Tensor mapped;
        try {
            mapped = Tensor.wrap(weight.dtype(), weight.shape(), write(weight.data()));
        } catch (IOException e) {
            throw new DecompositionException(
                    ErrorCategory.IO,
                    "Layer "
                            + Quoted.of(name)
                            + ": could not keep its new weight ("
                            + weight.byteSize()
                            + " bytes) in a temporary file in "
                            + folder
                            + ": "
                            + e
                            + ". Free space there, or point java.io.tmpdir elsewhere (for"
                            + " example AMCT_JAVA_OPTS=-Djava.io.tmpdir=/var/tmp), or raise the"
                            + " heap.",
                    e);
        }
        Map<String, Tensor> parameters = new LinkedHashMap<>(conv.parameters());
        parameters.put("weight", mapped);
        return conv.with(Map.of(), parameters);
    }

    /**
     * The bytes in a new mapped file, which is deleted before this returns. They are written with
     * {@code write} (a full disk is then an {@link IOException}, not a fault on a mapped page), in
     * slices so that the JDK's temporary direct buffer stays small, then mapped read-only.
     */
    private ByteBuffer write(ByteBuffer bytes) throws IOException {
        Path file = Files.createTempFile(folder, "amct-factor-", ".bin");
        MappedByteBuffer map;
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer source = bytes.duplicate();
            while (source.hasRemaining()) {
                ByteBuffer slice = source.slice();
                slice.limit(Math.min(slice.remaining(), WRITE_SLICE));
                int written = channel.write(slice);
                source.position(source.position() + written);
            }
            map = channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes.remaining());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        try {
            Files.delete(file);
        } catch (IOException e) {
            // A mapped file cannot be deleted on Windows: it goes when the JVM exits.
            LOG.debug("Could not delete the mapped {} now ({}); deleting it at exit", file, e);
            file.toFile().deleteOnExit();
        }
        return map;
    }
}
