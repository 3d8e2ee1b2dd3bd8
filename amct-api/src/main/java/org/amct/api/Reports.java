package org.amct.api;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.amct.api.decompose.DecomposedLayer;
import org.amct.api.decompose.Factors;
import org.amct.api.decompose.LayerCost;
import org.amct.api.decompose.LayerPlan;
import org.amct.api.decompose.RankChoice;
import org.amct.api.decompose.RankDecision;
import org.amct.api.decompose.Unfolding;
import org.amct.api.graph.Conv2d;
import org.amct.api.graph.Size2d;

/** Turns the decomposition core's results into the public report types. */
final class Reports {
    private Reports() {}

    static LayerReport layer(
            String name,
            Conv2d conv,
            DecomposedLayer decomposed,
            String policy,
            java.util.Optional<org.amct.api.graph.Size2d> input) {
        Conv2d first = decomposed.first();
        Conv2d last = decomposed.last();
        RankChoice choice = decomposed.rankChoice();
        long macsBefore = conv.weight().numel();
        long macsAfter = first.weight().numel() + last.weight().numel();
        return new LayerReport(
                name,
                decomposed.unfolding().mode().name(),
                choice.rank(),
                conv.inChannels(),
                conv.outChannels(),
                conv.kernelSize(),
                conv.stride(),
                shape(first),
                shape(last),
                conv.parameterCount(),
                first.parameterCount() + last.parameterCount(),
                macsBefore,
                macsAfter,
                decomposed.relativeError(),
                decomposed.storedError(),
                decomposed.clampedElements(),
                decomposed.seconds(),
                new Spectrum(
                        decomposed.singularValues(),
                        choice.threshold(),
                        choice.vbmfRank(),
                        choice.clampLow(),
                        choice.clampHigh(),
                        decomposed.whitenedSpectrum()),
                policy,
                input.isPresent()
                        ? OptionalLong.of(LayerCost.macsOf(conv, input.get()))
                        : OptionalLong.empty(),
                input.isPresent()
                        ? OptionalLong.of(LayerCost.macs(conv, input.get()).after(choice.rank()))
                        : OptionalLong.empty());
    }

    /** A layer that shares its weight with one already decomposed: same factors, own layout. */
    static DecomposedLayer reuse(DecomposedLayer shared, Conv2d conv) {
        Conv2d first = Factors.newConv(conv, shared.first().weight(), false);
        Conv2d last = Factors.newConv(conv, shared.last().weight(), true);
        return new DecomposedLayer(
                shared.unfolding(),
                first,
                last,
                shared.rankChoice(),
                shared.singularValues(),
                shared.whitenedSpectrum(),
                shared.relativeError(),
                shared.storedError(),
                shared.clampedElements(),
                0.0);
    }

    static LayerInspection inspection(
            String name,
            Conv2d conv,
            String reason,
            RankDecision decision,
            boolean withRanks,
            Optional<Size2d> input) {
        boolean eligible = reason == null;
        Optional<String> why = Optional.ofNullable(reason);
        OptionalInt rank = OptionalInt.empty();
        OptionalLong paramsAfter =
                withRanks ? OptionalLong.of(conv.parameterCount()) : OptionalLong.empty();
        OptionalLong macsBefore =
                input.isPresent()
                        ? OptionalLong.of(LayerCost.macsOf(conv, input.get()))
                        : OptionalLong.empty();
        OptionalLong macsAfter = withRanks ? macsBefore : OptionalLong.empty();
        if (decision != null && decision.decomposes()) {
            int r = decision.choice().rank();
            rank = OptionalInt.of(r);
            paramsAfter = OptionalLong.of(LayerCost.params(conv).after(r));
            if (input.isPresent()) {
                macsAfter = OptionalLong.of(LayerCost.macs(conv, input.get()).after(r));
            }
        } else if (decision != null) {
            why = decision.unchangedReason();
        }
        return new LayerInspection(
                name,
                conv.inChannels(),
                conv.outChannels(),
                conv.kernelSize(),
                conv.stride(),
                conv.groups(),
                eligible,
                why,
                eligible ? Optional.of(Unfolding.of(conv).mode().name()) : Optional.empty(),
                rank,
                decision == null ? Optional.empty() : Optional.of(decision.policy()),
                conv.parameterCount(),
                paramsAfter,
                macsBefore,
                macsAfter);
    }

    static LayerPlan plan(LayerReport report) {
        return new LayerPlan(
                report.name(),
                report.inChannels(),
                report.outChannels(),
                report.kernelSize(),
                report.stride(),
                // Eligible layers have dilation 1 and groups 1 (docs/design/ALGORITHM.md section
                // 1).
                org.amct.api.graph.Size2d.square(1),
                1,
                org.amct.api.decompose.DecomposeMode.valueOf(report.mode()),
                report.firstShape(),
                report.lastShape());
    }

    private static List<Integer> shape(Conv2d conv) {
        return Arrays.stream(conv.weight().shape()).boxed().toList();
    }
}
