package org.amct.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.exception.ModelMismatchException;
import org.amct.api.exception.Quoted;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.DType;
import org.amct.api.graph.ModelGraph;
import org.amct.api.graph.Tensor;
import org.amct.api.io.HeapShortage;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX model read from a file, with its 2-D convolutions as a {@link ModelGraph}: each {@code
 * Conv} node of the main graph whose weight is 4-D and constant (an initializer, a {@code Constant}
 * node, or external data in the model's folder) is a {@link Conv2d} leaf; every other node stays in
 * the file only. {@link #write} puts a decomposed or reloaded version of {@link #graph()} back into
 * the file's graph, carrying everything else through unchanged (unknown fields included).
 *
 * <p>Tensor data is not read into the heap: the model file is memory-mapped read-only and parsed
 * with its {@code raw_data} bytes aliasing the map, external data files are mapped when a tensor is
 * decoded, and writing streams unchanged tensors from those maps to the output (see {@link
 * MappedFiles}). The heap holds the graph's structure (nodes, names, attributes, numbers kept in
 * typed fields) and what the decomposition computes; a model may be far larger than the heap. The
 * file must not be changed in place while the model is in use (replacing it by a rename is safe).
 *
 * <p>Immutable and thread-safe; writing reads external data from the original folder again.
 */
public final class OnnxModel {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

    /** Protobuf messages cannot exceed 2 GiB. */
    private static final long MAX_PROTOBUF_BYTES = Integer.MAX_VALUE;

    /**
     * The deepest nesting of messages read (protobuf's default): a graph inside a node attribute
     * costs three levels, so about 30 levels of subgraphs, far more than real models use, while a
     * hostile file cannot exhaust the stack.
     */
    static final int MAX_NESTING = 100;

    private final Path file;
    private final ModelProto proto;
    private final List<ConvSite> sites;
    private final List<UnmappedConv> unmapped;
    private final ModelGraph graph;
    private final TorchParameters.Found parameters;
    private final List<Path> externalData;
    private final boolean map;

    private OnnxModel(
            Path file,
            boolean map,
            Parsed parsed,
            List<ConvSite> sites,
            List<UnmappedConv> unmapped,
            ModelGraph graph,
            TorchParameters.Found parameters) {
        this.file = file;
        this.map = map;
        this.proto = parsed.proto();
        this.externalData = parsed.externalData();
        this.sites = List.copyOf(sites);
        this.unmapped = List.copyOf(unmapped);
        this.graph = graph;
        this.parameters = parameters;
    }

    /**
     * Reads a model and maps its 2-D convolutions.
     *
     * @param file the {@code .onnx} file; external data is looked up in its folder
     * @return the model
     * @throws IOException if the file or its external data cannot be read
     * @throws ModelFormatException if the file is not a valid ONNX model or a Conv node is
     *     malformed; the message names the file and the node or tensor
     */
    public static OnnxModel read(Path file) throws IOException {
        return read(file, OnnxModel::availableHeap);
    }

    /**
     * Reads a model, refusing a file whose parsed form would not fit in {@code availableHeap}
     * bytes.
     */
    static OnnxModel read(Path file, LongSupplier availableHeap) throws IOException {
        return read(file, availableHeap, true);
    }

    /**
     * Reads a model, memory-mapping its tensor data ({@code map}) or reading it into the heap as
     * where files cannot be mapped (tests compare the two).
     */
    static OnnxModel read(Path file, LongSupplier availableHeap, boolean map) throws IOException {
        Objects.requireNonNull(file, "file");
        try {
            return readChecked(file, availableHeap, map);
        } catch (OutOfMemoryError e) {
            // What was allocated for the file is unreachable now: the message can be built.
            throw new ModelFormatException(
                    HeapShortage.ranOut(
                            "Reading ONNX file " + Quoted.of(file), heapToRead(file, map)),
                    e);
        }
    }

    /**
     * The heap reading a file takes: its parsed messages (counted by {@link WireScan}; tensor bytes
     * alias the file and cost nothing), the file's bytes where they are read into the heap, and a
     * margin.
     */
    private static long estimatedHeap(long fileSize, long parsedBytes, boolean inHeap) {
        return (inHeap ? fileSize : 0) + parsedBytes + (32L << 20);
    }

    /** {@link #estimatedHeap} for a file whose reading ran out of heap. */
    private static long heapToRead(Path file, boolean map) {
        try {
            long size = Files.size(file);
            ByteBuffer content = MappedFiles.whole(file, size, "", () -> Long.MAX_VALUE, map);
            long parsed = WireScan.of(content).map(WireScan.Counts::heapBytes).orElse(size);
            return estimatedHeap(size, parsed, !content.isDirect());
        } catch (IOException | RuntimeException e) {
            return 32L << 20;
        }
    }

    private static OnnxModel readChecked(Path file, LongSupplier availableHeap, boolean map)
            throws IOException {
        String source = file.toString();
        Path folder = file.toAbsolutePath().getParent();
        MappedFiles files = new MappedFiles(MappedFiles.STRIDE, availableHeap, map);
        Parsed parsed = parse(file, source, folder, availableHeap, files);
        ModelProto proto = parsed.proto();
        GraphProto graph = proto.getGraph();
        ConstantValues constants = new ConstantValues(graph, folder, files, source);
        List<ConvSite> sites = new ArrayList<>();
        List<UnmappedConv> unmapped = new ArrayList<>();
        LayerNames names = new LayerNames();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (ConvNodes.isConv(graph.getNode(i))) {
                map(graph.getNode(i), i, constants, names, source, sites, unmapped);
            }
        }
        LOG.info(
                "Read '{}': {} Conv2d layers, {} other Conv nodes",
                source,
                sites.size(),
                unmapped.size());
        Map<String, Conv2d> convs = new LinkedHashMap<>();
        Set<String> convValues = new HashSet<>();
        for (ConvSite site : sites) {
            convs.put(site.layer(), site.conv());
            convValues.add(site.weightName());
            site.biasName().ifPresent(convValues::add);
        }
        TorchParameters.Found parameters = TorchParameters.find(graph, constants, convValues);
        return new OnnxModel(
                file, map, parsed, sites, unmapped, LayerNames.tree(convs), parameters);
    }

    /** Reads one Conv node into {@code sites} or {@code unmapped}. */
    private static void map(
            NodeProto node,
            int index,
            ConstantValues constants,
            LayerNames names,
            String source,
            List<ConvSite> sites,
            List<UnmappedConv> unmapped)
            throws IOException {
        String described = ConvNodes.describe(node, index);
        String where = "ONNX file '" + source + "', node " + Quoted.of(described);
        ConvNodes.Reading reading = ConvNodes.read(node, constants, where);
        if (reading instanceof ConvNodes.Mapped mapped) {
            String layer = names.assign(mapped.weightName(), node.getName(), index);
            List<String> tensorValues = new ArrayList<>(constants.chain(mapped.weightName()));
            mapped.biasName().ifPresent(b -> tensorValues.addAll(constants.chain(b)));
            boolean folded =
                    !TorchParameters.isParameterName(mapped.weightName())
                            && constants
                                    .origin(mapped.weightName())
                                    .startsWith(TorchParameters.SYNTHETIC_PREFIX);
            sites.add(
                    new ConvSite(
                            layer,
                            index,
                            mapped.weightName(),
                            mapped.biasName(),
                            mapped.autoPad(),
                            mapped.conv(),
                            tensorValues,
                            folded));
        } else {
            String reason = ((ConvNodes.Unmapped) reading).reason();
            LOG.debug("Conv node '{}' is not a Conv2d layer: {}", described, reason);
            unmapped.add(new UnmappedConv(described, reason));
        }
    }

    /**
     * Parses the file as an ONNX {@code ModelProto}: the whole file must be one message, nested at
     * most {@value #MAX_NESTING} levels deep, with an {@code ir_version} and a graph. The file is
     * memory-mapped read-only ({@link MappedFiles#whole}) and parsed from the map with aliasing on
     * an immutable input, so that {@code raw_data} and other bytes fields are views of the map, not
     * copies: the heap holds only the graph's structure. Declared lengths are checked by protobuf
     * against the bytes present. Before parsing, {@link WireScan} counts what the parse would
     * build, so that a file whose structure would not fit in the heap is refused with a message.
     */
    private static Parsed parse(
            Path file, String source, Path folder, LongSupplier availableHeap, MappedFiles files)
            throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            throw new ModelFormatException(
                    "ONNX file '" + source + "' is empty (0 bytes). Was it written completely?");
        }
        if (size > MAX_PROTOBUF_BYTES) {
            throw new ModelFormatException(
                    "ONNX file '"
                            + source
                            + "' is "
                            + size
                            + " bytes; an ONNX protobuf file cannot exceed 2 GiB (larger"
                            + " models keep their tensors in external data files)");
        }
        // Where the file cannot be mapped, its bytes are read into the heap: refused before, not
        // with OutOfMemoryError.
        ByteBuffer content =
                MappedFiles.whole(
                        file,
                        size,
                        "Reading ONNX file " + Quoted.of(source) + " (" + size + " bytes)",
                        availableHeap,
                        files.maps());
        Optional<WireScan.Counts> counts = WireScan.of(content);
        if (counts.isPresent()) {
            checkHeap(source, size, counts.get(), availableHeap.getAsLong());
        }
        // An input marked immutable lets the parser alias bytes fields instead of copying them
        // (CodedInputStream.newInstance(ByteBuffer) would copy them even with aliasing enabled).
        CodedInputStream coded = UnsafeByteOperations.unsafeWrap(content).newCodedInput();
        coded.enableAliasing(true);
        coded.setRecursionLimit(MAX_NESTING);
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(coded);
            coded.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw notOnnx(
                    source,
                    content,
                    "it cannot be parsed as ONNX protobuf at byte "
                            + coded.getTotalBytesRead()
                            + " of "
                            + size
                            + " ("
                            + e.getMessage()
                            + ")",
                    e);
        }
        if (!coded.isAtEnd()) {
            throw notOnnx(
                    source,
                    content,
                    "parsing stopped at byte " + coded.getTotalBytesRead() + " of " + size,
                    null);
        }
        if (proto.getIrVersion() <= 0) {
            throw notOnnx(
                    source,
                    content,
                    "it has no ir_version (found " + proto.getIrVersion() + ")",
                    null);
        }
        if (!proto.hasGraph()) {
            throw notOnnx(source, content, "it has no graph", null);
        }
        return new Parsed(proto, ModelValidator.validate(content, proto, folder, source));
    }

    /** A parsed and validated file, with the real paths of its external data files. */
    private record Parsed(ModelProto proto, List<Path> externalData) {}

    /** The maps for one call that decodes or writes tensors (mapped as this model was read). */
    private MappedFiles files() {
        return new MappedFiles(MappedFiles.STRIDE, OnnxModel::availableHeap, map);
    }

    /** The heap the JVM can still get, or {@link Long#MAX_VALUE} when it has no limit. */
    private static long availableHeap() {
        return HeapShortage.available();
    }

    /**
     * Refuses a file whose parsed messages would not fit in the heap: a few megabytes of empty
     * messages or one-byte numbers would otherwise take gigabytes and end in OutOfMemoryError.
     */
    private static void checkHeap(
            String source, long size, WireScan.Counts counts, long available) {
        if (counts.heapBytes() <= available) {
            return;
        }
        throw new ModelFormatException(
                String.format(
                        Locale.ROOT,
                        "ONNX file '%s' (%,d bytes) would take about %,d MiB of heap to parse (%,d"
                                + " messages, %,d strings, %,d numbers, %,d unknown fields), more"
                                + " than the %,d MiB this JVM can still get. Real models of this"
                                + " size need far less: the file is probably damaged. If it is"
                                + " genuine, raise the heap (-Xmx, through AMCT_JAVA_OPTS for the"
                                + " amct command).",
                        source,
                        size,
                        counts.heapBytes() >> 20,
                        counts.messages(),
                        counts.strings(),
                        counts.values(),
                        counts.unknown(),
                        available >> 20));
    }

    /** The error for a file that is not an ONNX model, saying what it seems to be instead. */
    private static ModelFormatException notOnnx(
            String source, ByteBuffer content, String detail, Throwable cause) {
        String message =
                FileSignatures.describe(content)
                        .map(
                                what ->
                                        "ONNX file '"
                                                + source
                                                + "' is not an ONNX model: it looks like "
                                                + what
                                                + ".")
                        .orElse(
                                "ONNX file '"
                                        + source
                                        + "' is not a valid ONNX model: "
                                        + detail
                                        + ". Is it an ONNX file, and was it copied completely?");
        return cause == null
                ? new ModelFormatException(message)
                : new ModelFormatException(message, cause);
    }

    /**
     * The file this model was read from.
     *
     * @return the path as given to {@link #read}
     */
    public Path file() {
        return file;
    }

    /**
     * The external data files the model's tensors are read from (the model file holds the rest).
     *
     * @return their real paths (symbolic links resolved), each once, in model order; empty when
     *     every tensor is in the model file
     */
    public List<Path> externalDataFiles() {
        return externalData;
    }

    /**
     * The 2-D convolutions as a model graph: one {@link Conv2d} leaf per mapped {@code Conv} node,
     * under containers named by the dotted layer names.
     *
     * @return the graph
     */
    public ModelGraph graph() {
        return graph;
    }

    /**
     * The {@code Conv} nodes that are not in {@link #graph()}, and why.
     *
     * @return the nodes in graph order
     */
    public List<UnmappedConv> unmappedConvs() {
        return unmapped;
    }

    /**
     * The layers of {@link #graph()} whose weights torch.onnx computed rather than copied: the
     * weight has a name the exporter made up ({@code onnx::Conv_193}), as it does for the convs it
     * folds a BatchNorm into when exporting in eval mode. Their weights are {@code W * gamma /
     * sqrt(var + eps)}, not the PyTorch conv's own, and their bias is the BatchNorm's shift: load
     * them into a PyTorch model whose Conv and BatchNorm are fused first.
     *
     * @return the layer names, in graph order
     */
    public List<String> foldedLayers() {
        return sites.stream().filter(ConvSite::foldedWeights).map(ConvSite::layer).toList();
    }

    /**
     * The file's other PyTorch parameters and buffers: the constants that nodes read under a
     * state-dict name ({@code fc.weight}, {@code bn1.running_var}), Identity copies included, other
     * than the weights and biases of the Conv2d layers of {@link #graph()}; and, for each {@code
     * BatchNormalization} whose running mean has such a name, its {@code
     * <module>.num_batches_tracked} counter, which ONNX does not carry: an INT64 scalar 0 here.
     * Together with the Conv2d parameters of the graph, this is the state dict of the PyTorch model
     * the file was exported from, as far as the file holds it.
     *
     * @return tensors by name, in the order nodes first read them, counters last; decoded on each
     *     call
     * @throws IOException if external data cannot be read
     * @throws ModelFormatException if a tensor is malformed
     */
    public Map<String, Tensor> otherParameters() throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        MappedFiles files = files();
        Map<TensorProto, Tensor> decoded = new IdentityHashMap<>();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorProto> entry : parameters.tensors().entrySet()) {
            Tensor tensor = decoded.get(entry.getValue());
            if (tensor == null) {
                String where = "ONNX file '" + file + "', tensor '" + entry.getKey() + "'";
                tensor = TensorCodec.decode(entry.getValue(), folder, files, where);
                decoded.put(entry.getValue(), tensor);
            }
            out.put(entry.getKey(), tensor);
        }
        for (String counter : parameters.counters()) {
            out.put(counter, Tensor.zeros(DType.INT64, new int[0]));
        }
        return out;
    }

    /**
     * The names of the BatchNorm counters among {@link #otherParameters()}: state-dict entries that
     * the ONNX graph does not use, so that a value loaded for them is checked but not written.
     *
     * @return the names, in node order
     */
    public List<String> batchNormCounters() {
        return parameters.counters();
    }

    /** The parameters that differ from the file's, checked to be the file's and to fit. */
    private Map<String, Tensor> changedParameters(Map<String, Tensor> given) throws IOException {
        if (given.isEmpty()) {
            return Map.of();
        }
        Map<String, Tensor> current = otherParameters();
        Map<String, Tensor> changed = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> entry : given.entrySet()) {
            String name = entry.getKey();
            Tensor value = Objects.requireNonNull(entry.getValue(), name);
            Tensor was = current.get(name);
            if (was == null) {
                throw new ModelMismatchException(
                        "Parameter '"
                                + name
                                + "' is not one of the PyTorch parameters of ONNX file '"
                                + file
                                + "' (it has "
                                + current.size()
                                + ", see otherParameters())");
            }
            if (was.dtype() != value.dtype() || !Arrays.equals(was.shape(), value.shape())) {
                throw new ModelMismatchException(
                        "Parameter '"
                                + name
                                + "' of ONNX file '"
                                + file
                                + "' is "
                                + was
                                + "; the new value is "
                                + value);
            }
            if (!was.equals(value) && !parameters.counters().contains(name)) {
                changed.put(name, value);
            }
        }
        return changed;
    }

    /**
     * The input height and width of every Conv2d of {@link #graph()} for the shapes the graph's
     * inputs declare, found by propagating shapes through the ops between the inputs and each conv
     * (see the project's docs/ranks.md for the ops followed). Needed for a MAC target.
     *
     * @return sizes by layer name, in graph order
     * @throws IOException if a constant in external data cannot be read
     * @throws ModelFormatException if a conv's input size cannot be inferred; the message names the
     *     conv, its input tensor, why, and the graph's inputs
     */
    public Map<String, org.amct.api.graph.Size2d> convInputSizes() throws IOException {
        return inputSizes(true);
    }

    /**
     * The input height and width of the Conv2d layers whose input size can be inferred (see {@link
     * #convInputSizes()}); the others are left out.
     *
     * @return sizes by layer name, in graph order
     * @throws IOException if a constant in external data cannot be read
     */
    public Map<String, org.amct.api.graph.Size2d> knownConvInputSizes() throws IOException {
        return inputSizes(false);
    }

    private Map<String, org.amct.api.graph.Size2d> inputSizes(boolean strict) throws IOException {
        GraphProto g = proto.getGraph();
        ConstantValues constants =
                new ConstantValues(g, file.toAbsolutePath().getParent(), files(), file.toString());
        return ShapeInference.convInputSizes(g, constants, file.toString(), sites, strict);
    }

    /**
     * The ONNX {@code ir_version} of the file.
     *
     * @return the version, 0 when absent
     */
    public long irVersion() {
        return proto.getIrVersion();
    }

    /**
     * Writes the model with the default options.
     *
     * @param model {@link #graph()}, decomposed ({@link
     *     org.amct.api.TensorDecompose#autoDecomposition}) or restructured and reloaded
     * @param target the {@code .onnx} file to write, atomically
     * @throws IOException if writing fails
     * @throws org.amct.api.exception.ModelMismatchException if {@code model} does not come from
     *     this file's graph
     */
    public void write(ModelGraph model, Path target) throws IOException {
        write(model, target, OnnxWriteOptions.defaults());
    }

    /**
     * Writes the model: each layer that became a {@code Sequential} of two Conv2d is written as two
     * {@code Conv} nodes named {@code <layer>.0} and {@code <layer>.1} with initializers {@code
     * <layer>.0.weight}, {@code <layer>.1.weight} and {@code <layer>.1.bias}; a Conv2d whose
     * tensors changed gets new initializers; initializers and {@code Constant} nodes that nothing
     * uses any more are dropped. The model file is replaced only once complete; so is the external
     * data file {@code <target file name>.data}, written when the tensors exceed the threshold or
     * the original used external data.
     *
     * @param model {@link #graph()}, decomposed or restructured and reloaded
     * @param target the {@code .onnx} file to write
     * @param options where external data starts
     * @throws IOException if writing fails
     * @throws org.amct.api.exception.ModelMismatchException if {@code model} does not come from
     *     this file's graph
     */
    public void write(ModelGraph model, Path target, OnnxWriteOptions options) throws IOException {
        write(model, Map.of(), target, options);
    }

    /**
     * Writes the model as {@link #write(ModelGraph, Path, OnnxWriteOptions)} does, with new values
     * for some of {@link #otherParameters()}: each changed one replaces the initializer of that
     * name, or the {@code Identity} copy or {@code Constant} that produced it (becoming an
     * initializer, or a {@code Constant} for IR versions before 4); values equal to the file's, and
     * the BatchNorm counters, change nothing.
     *
     * @param model {@link #graph()}, decomposed or restructured and reloaded
     * @param parameters new values by name, each one of {@link #otherParameters()} with its shape
     *     and type
     * @param target the {@code .onnx} file to write
     * @param options where external data starts
     * @throws IOException if writing fails
     * @throws org.amct.api.exception.ModelMismatchException if {@code model} does not come from
     *     this file's graph, or a parameter is not one of the file's or does not fit it
     */
    public void write(
            ModelGraph model, Map<String, Tensor> parameters, Path target, OnnxWriteOptions options)
            throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        Map<String, Tensor> changed = changedParameters(parameters);
        ModelProto rewritten =
                new OnnxWriter(proto, sites, file.toString())
                        .rewrite(model, changed, this.parameters.tensors());
        Path folder = file.toAbsolutePath().getParent();
        new ExternalDataWriter(folder, file.toString(), options, files()).write(rewritten, target);
        LOG.debug("Wrote '{}'", target);
    }

    /**
     * The model as {@link #write(ModelGraph, Path)} would write it, as the bytes of one {@code
     * .onnx} file with every tensor inline (also those the original kept in external data), for an
     * inference engine that loads models from memory: nothing touches the disk.
     *
     * @param model {@link #graph()}, decomposed or restructured and reloaded
     * @return the serialized model
     * @throws IOException if the original's external data cannot be read
     * @throws ModelFormatException if the tensors exceed {@link
     *     OnnxWriteOptions#DEFAULT_EXTERNAL_DATA_THRESHOLD} (a protobuf message holds at most 2
     *     GiB): write such a model to a file
     * @throws org.amct.api.exception.ModelMismatchException if {@code model} does not come from
     *     this file's graph
     */
    public byte[] toByteArray(ModelGraph model) throws IOException {
        Objects.requireNonNull(model, "model");
        ModelProto rewritten =
                new OnnxWriter(proto, sites, file.toString())
                        .rewrite(model, Map.of(), this.parameters.tensors());
        Path folder = file.toAbsolutePath().getParent();
        return new ExternalDataWriter(folder, file.toString(), OnnxWriteOptions.defaults(), files())
                .toByteArray(rewritten);
    }

    /**
     * Writes a copy of the model for collecting calibration statistics: besides its own outputs
     * (first, unchanged), for each layer in {@code extractors} it outputs the float64 sum of the
     * outer products of that layer's input patches over one run ({@code Y Y^T}, {@code Y} the
     * patches as columns) and the shape of {@code Y}. A patch is what {@code extractor} (a conv
     * with one-hot weights, for example {@link org.amct.api.PatchLayout#extractor}) copies from the
     * layer's input; the layer's {@code auto_pad} applies to it too. Activations stay inside the
     * inference engine: only {@code d x d} numbers per layer come out of each run.
     *
     * @param extractors per layer of {@link #graph()}, the conv that copies its patches
     * @param target the {@code .onnx} file to write, atomically (external data as in {@link
     *     #write(ModelGraph, Path)})
     * @return the names of the outputs added, per layer, in the order of {@code extractors}
     * @throws IOException if writing fails
     * @throws org.amct.api.exception.ModelMismatchException if a layer is not in this file or its
     *     extractor takes another number of channels
     */
    public List<PatchProbe> writeWithPatchProbes(Map<String, Conv2d> extractors, Path target)
            throws IOException {
        Objects.requireNonNull(extractors, "extractors");
        Objects.requireNonNull(target, "target");
        ProbeWriter.Probed probed = ProbeWriter.add(proto, sites, extractors, file.toString());
        Path folder = file.toAbsolutePath().getParent();
        new ExternalDataWriter(folder, file.toString(), OnnxWriteOptions.defaults(), files())
                .write(probed.model(), target);
        LOG.info("Wrote '{}' with {} patch probes", target, probed.probes().size());
        return probed.probes();
    }
}
