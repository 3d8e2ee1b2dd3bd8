package org.amct.api;

/** How the rank of each decomposed layer is chosen. */
public enum RankPolicy {
    /**
     * The reference rule: empirical VBMF, clamped and rounded (docs/design/ALGORITHM.md section 3).
     */
    AUTO,
    /**
     * Keep every singular value (rank {@code n}): the decomposed model computes what the original
     * does, up to rounding. For checking a pipeline, not for compression.
     */
    FULL
}
