package org.amct.api.decompose;

import java.util.Objects;
import java.util.Optional;

/**
 * The rank chosen for a layer and the policy that chose it, or why the layer stays unchanged.
 *
 * @param policy the policy's spelling, for example {@code "amct"}, {@code "energy:0.9"} or {@code
 *     "target-params:0.39"}
 * @param choice the rank and the marks of the reference rule on the spectrum
 * @param unchangedReason why the layer is not decomposed, when it is not
 */
public record RankDecision(String policy, RankChoice choice, Optional<String> unchangedReason) {
    /**
     * Checks the parts.
     *
     * @param policy the policy's spelling
     * @param choice the rank and the marks
     * @param unchangedReason why the layer is left unchanged, if it is
     */
    public RankDecision {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(unchangedReason, "unchangedReason");
    }

    /**
     * Whether the layer is decomposed.
     *
     * @return whether there is no reason to leave it
     */
    public boolean decomposes() {
        return unchangedReason.isEmpty();
    }
}
