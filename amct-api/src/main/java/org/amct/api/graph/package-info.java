/**
 * The format-neutral model graph: a tree of named layers ({@link org.amct.api.graph.Conv2d}, {@link
 * org.amct.api.graph.Sequential}, {@link org.amct.api.graph.OpaqueLayer}) holding {@link
 * org.amct.api.graph.Tensor}s, addressed by dotted names as in PyTorch ({@code layer1.0.conv1}).
 *
 * <p>Everything here is immutable: an edit returns a new {@link org.amct.api.graph.ModelGraph} that
 * shares the untouched layers and tensors with the old one. Bad arguments throw {@link
 * java.lang.IllegalArgumentException}.
 */
package org.amct.api.graph;
