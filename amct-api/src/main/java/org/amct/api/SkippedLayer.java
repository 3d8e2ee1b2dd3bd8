package org.amct.api;

/**
 * A Conv2d left unchanged, and why.
 *
 * @param name the layer's dotted name
 * @param reason the rule that applied, for example {@code "groups 2 > 1"}
 */
public record SkippedLayer(String name, String reason) {}
