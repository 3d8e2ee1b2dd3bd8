package org.amct.onnx;

import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.amct.api.exception.ModelFormatException;
import org.amct.api.graph.DType;
import org.amct.api.graph.Tensor;
import org.amct.api.io.AtomicFiles;
import org.amct.onnx.proto.OnnxProtos.AttributeProto;
import org.amct.onnx.proto.OnnxProtos.GraphProto;
import org.amct.onnx.proto.OnnxProtos.ModelProto;
import org.amct.onnx.proto.OnnxProtos.NodeProto;
import org.amct.onnx.proto.OnnxProtos.StringStringEntryProto;
import org.amct.onnx.proto.OnnxProtos.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a model file, with its large initializers in an external data file ({@code <model file
 * name>.data} in the same folder) when the tensors exceed the threshold or the original model kept
 * data outside. Tensor data that the original kept outside is read from the original folder, so the
 * written model never points back there. {@code Constant} nodes whose tensors were external are
 * made inline. The two files are replaced together, all or none ({@link AtomicFiles#batch}).
 *
 * <p>Nothing is held whole in the heap: the protobuf messages refer to the tensor bytes where they
 * are (the map of the original model file or its external data, see {@link MappedFiles}, or a new
 * tensor), and both files are streamed through a small buffer.
 */
final class ExternalDataWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalDataWriter.class);

    private final Path sourceFolder;
    private final String source;
    private final OnnxWriteOptions options;
    private final MappedFiles files;

    ExternalDataWriter(
            Path sourceFolder, String source, OnnxWriteOptions options, MappedFiles files) {
        this.sourceFolder = sourceFolder;
        this.source = source;
        this.options = options;
        this.files = files;
    }

    /** Writes {@code model} to {@code target} (and its data file when needed). */
    void write(ModelProto model, Path target) throws IOException {
        ModelProto inlined = inlineConstantNodes(model);
        List<TensorProto> initializers = inlined.getGraph().getInitializerList();
        boolean sourceExternal = initializers.stream().anyMatch(GraphNames::isExternal);
        long total = initializers.stream().mapToLong(TensorCodec::dataBytes).sum();
        if (!sourceExternal && total <= options.externalDataThreshold()) {
            AtomicFiles.write(target, inlined::writeTo);
            return;
        }
        Path absolute = target.toAbsolutePath();
        String dataName = absolute.getFileName() + ".data";
        List<TensorProto> rewritten = new ArrayList<>();
        try (AtomicFiles.Batch batch = AtomicFiles.batch()) {
            batch.write(
                    absolute.resolveSibling(dataName),
                    out -> externalize(initializers, dataName, out, rewritten));
            GraphProto graph =
                    inlined.getGraph().toBuilder()
                            .clearInitializer()
                            .addAllInitializer(rewritten)
                            .build();
            ModelProto external = inlined.toBuilder().setGraph(graph).build();
            batch.write(absolute, external::writeTo);
            // Both or neither: a model never points into another write's data file.
            batch.commit();
        }
        LOG.debug("Tensor data of '{}' ({} bytes) written to '{}'", target, total, dataName);
    }

    /**
     * The model as one protobuf message with every tensor inline (data the original kept outside is
     * read from its folder), for an inference engine that loads models from memory.
     *
     * @throws ModelFormatException if the tensors would not fit in one protobuf message
     */
    byte[] toByteArray(ModelProto model) throws IOException {
        ModelProto inlined = inlineConstantNodes(model);
        List<TensorProto> initializers = inlined.getGraph().getInitializerList();
        long total = initializers.stream().mapToLong(TensorCodec::dataBytes).sum();
        if (total > options.externalDataThreshold()) {
            throw new ModelFormatException(
                    "ONNX file '"
                            + source
                            + "': its tensors ("
                            + total
                            + " bytes) do not fit in one in-memory model of at most "
                            + options.externalDataThreshold()
                            + " bytes of tensors; write it to a file instead");
        }
        if (initializers.stream().anyMatch(GraphNames::isExternal)) {
            List<TensorProto> rewritten = new ArrayList<>();
            for (TensorProto tensor : initializers) {
                rewritten.add(
                        GraphNames.isExternal(tensor)
                                ? tensor.toBuilder()
                                        .clearExternalData()
                                        .clearDataLocation()
                                        .setRawData(
                                                com.google.protobuf.ByteString.copyFrom(
                                                        bytesOf(tensor)))
                                        .build()
                                : tensor);
            }
            inlined =
                    inlined.toBuilder()
                            .setGraph(
                                    inlined.getGraph().toBuilder()
                                            .clearInitializer()
                                            .addAllInitializer(rewritten))
                            .build();
        }
        return inlined.toByteArray();
    }

    private void externalize(
            List<TensorProto> initializers,
            String dataName,
            OutputStream out,
            List<TensorProto> rewritten)
            throws IOException {
        WritableByteChannel channel = Channels.newChannel(out);
        long offset = 0;
        for (TensorProto tensor : initializers) {
            boolean movable =
                    GraphNames.isExternal(tensor)
                            || (TensorCodec.dataBytes(tensor) >= options.externalDataMinBytes()
                                    && OnnxConstants.dtypeOf(tensor.getDataType()).isPresent());
            if (!movable) {
                rewritten.add(tensor);
                continue;
            }
            ByteBuffer data = bytesOf(tensor);
            long length = data.remaining();
            while (data.hasRemaining()) {
                channel.write(data);
            }
            rewritten.add(reference(tensor, dataName, offset, length));
            offset += length;
        }
        out.flush();
    }

    private ByteBuffer bytesOf(TensorProto tensor) throws IOException {
        String where = "ONNX file '" + source + "', tensor '" + tensor.getName() + "'";
        if (!GraphNames.isExternal(tensor)) {
            return TensorCodec.decode(tensor, sourceFolder, files, where).data();
        }
        ExternalData reference = ExternalData.of(tensor, where);
        long expected;
        if (reference.length().isPresent()) {
            expected = reference.length().getAsLong();
        } else {
            DType dtype = TensorCodec.dtype(tensor, where);
            expected = Tensor.elementCount(TensorCodec.shape(tensor, where)) * dtype.byteSize();
        }
        return reference.read(sourceFolder, files, expected, where);
    }

    private static TensorProto reference(
            TensorProto tensor, String dataName, long offset, long length) {
        return tensor.toBuilder()
                .clearRawData()
                .clearFloatData()
                .clearDoubleData()
                .clearInt32Data()
                .clearInt64Data()
                .clearExternalData()
                .setDataLocation(OnnxConstants.EXTERNAL)
                .addExternalData(entry(ExternalData.LOCATION, dataName))
                .addExternalData(entry(ExternalData.OFFSET, Long.toString(offset)))
                .addExternalData(entry(ExternalData.LENGTH, Long.toString(length)))
                .build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** Makes the external tensors of {@code Constant} nodes of the main graph inline. */
    private ModelProto inlineConstantNodes(ModelProto model) throws IOException {
        GraphProto graph = model.getGraph();
        boolean any =
                graph.getNodeList().stream()
                        .anyMatch(
                                n ->
                                        ConstantValues.constantValue(n)
                                                .filter(GraphNames::isExternal)
                                                .isPresent());
        if (!any) {
            return model;
        }
        GraphProto.Builder builder = graph.toBuilder();
        for (int i = 0; i < builder.getNodeCount(); i++) {
            NodeProto node = builder.getNode(i);
            for (int a = 0; a < node.getAttributeCount(); a++) {
                AttributeProto attribute = node.getAttribute(a);
                if (attribute.hasT() && GraphNames.isExternal(attribute.getT())) {
                    TensorProto inline = inline(attribute.getT(), node.getName());
                    builder.setNode(
                            i,
                            node.toBuilder().setAttribute(a, attribute.toBuilder().setT(inline)));
                    node = builder.getNode(i);
                }
            }
        }
        return model.toBuilder().setGraph(builder).build();
    }

    private TensorProto inline(TensorProto tensor, String node) throws IOException {
        String where = "ONNX file '" + source + "', Constant node '" + node + "'";
        try {
            // The proto refers to the map; the bytes are streamed when it is written.
            ByteBuffer data = TensorCodec.decode(tensor, sourceFolder, files, where).data();
            return tensor.toBuilder()
                    .clearExternalData()
                    .clearDataLocation()
                    .setRawData(UnsafeByteOperations.unsafeWrap(data))
                    .build();
        } catch (ModelFormatException e) {
            throw new ModelFormatException(
                    where + ": cannot carry its external tensor over: " + e.getMessage(), e);
        }
    }
}
