package org.amct.api;

import java.util.Arrays;
import java.util.List;
import org.amct.api.decompose.DecomposedLayer;
import org.amct.api.decompose.Factors;
import org.amct.api.decompose.LayerPlan;
import org.amct.api.decompose.RankChoice;
import org.amct.api.graph.Conv2d;

/** Turns the decomposition core's results into the public report types. */
final class Reports {
    private Reports() {}

    static LayerReport layer(String name, Conv2d conv, DecomposedLayer decomposed) {
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
                        choice.clampHigh()));
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
                shared.relativeError(),
                shared.storedError(),
                shared.clampedElements(),
                0.0);
    }

    static LayerInspection inspection(String name, Conv2d conv, String reason, Integer rank) {
        boolean eligible = reason == null;
        return new LayerInspection(
                name,
                conv.inChannels(),
                conv.outChannels(),
                conv.kernelSize(),
                conv.stride(),
                conv.groups(),
                eligible,
                java.util.Optional.ofNullable(reason),
                eligible
                        ? java.util.Optional.of(
                                org.amct.api.decompose.Unfolding.of(conv).mode().name())
                        : java.util.Optional.empty(),
                rank == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(rank));
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
