package org.amct.api;

import java.util.Optional;
import org.amct.api.decompose.RankChoice;
import org.amct.api.decompose.RankDecision;
import org.amct.api.decompose.RankRules;
import org.amct.api.graph.Conv2d;

/** Applies a {@link RankPolicy} to one layer's spectrum with the rules of {@link RankRules}. */
final class PolicyRules {
    private PolicyRules() {}

    /**
     * Decides a layer's rank under a policy.
     *
     * @param policy the policy
     * @param singularValues all {@code n} singular values, descending
     * @param conv the eligible layer
     * @param multiple the rank multiple, {@code >= 1}
     * @return the rank, or why the layer stays unchanged (never for {@link RankPolicy#AUTO} and
     *     {@link RankPolicy#FULL}: the guard applies to the other policies)
     */
    static RankDecision decide(
            RankPolicy policy, double[] singularValues, Conv2d conv, int multiple) {
        RankChoice reference = RankRules.reference(singularValues, conv, multiple);
        if (policy instanceof RankPolicy.Amct) {
            return new RankDecision(policy.toString(), reference, Optional.empty());
        }
        int n = singularValues.length;
        int rank;
        if (policy instanceof RankPolicy.Fixed fixed) {
            rank = fixed.rank();
        } else if (policy instanceof RankPolicy.Energy energy) {
            rank = RankRules.energyRank(singularValues, energy.fraction(), multiple);
        } else if (policy instanceof RankPolicy.Ratio ratio) {
            rank = RankRules.ratioRank(conv, ratio.fraction(), multiple);
        } else {
            rank = n; // full
        }
        rank = Math.max(1, Math.min(rank, n));
        boolean guard = !(policy instanceof RankPolicy.Full);
        return RankRules.withRank(policy.toString(), reference, rank, conv, guard);
    }
}
