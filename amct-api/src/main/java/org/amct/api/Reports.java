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
import org.amct.api.report.RunSummary;

/**
 * Turns the decomposition core's results into the public report types, and a result into the report
 * package's own records ({@link #summary}): root reads report, never the other way round.
 */
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

    /** What {@link DecompositionResult#summary()} returns. */
    static RunSummary summary(DecompositionResult result) {
        BackendInfo backend = result.backend();
        return new RunSummary(
                result.model(),
                new RunSummary.Backend(
                        backend.id(), backend.displayName(), backend.device(), backend.forced()),
                result.layers().stream().map(Reports::summaryLayer).toList(),
                result.skipped().stream()
                        .map(
                                s ->
                                        new RunSummary.Skipped(
                                                s.name(),
                                                s.reason(),
                                                result.model()
                                                        .find(s.name())
                                                        .filter(Conv2d.class::isInstance)
                                                        .map(
                                                                l ->
                                                                        OptionalLong.of(
                                                                                ((Conv2d) l)
                                                                                        .parameterCount()))
                                                        .orElse(OptionalLong.empty())))
                        .toList(),
                result.decomposeInfoFile(),
                result.totals().macsBefore(),
                result.totals().macsAfter(),
                result.target()
                        .map(
                                t ->
                                        new RunSummary.Target(
                                                t.target().toString(),
                                                t.target()
                                                        .measure()
                                                        .name()
                                                        .toLowerCase(java.util.Locale.ROOT),
                                                t.target().fraction(),
                                                t.before(),
                                                t.limit(),
                                                t.after(),
                                                t.achieved(),
                                                t.spectra().toString())));
    }

    private static RunSummary.Layer summaryLayer(LayerReport layer) {
        Spectrum spectrum = layer.spectrum();
        return new RunSummary.Layer(
                layer.name(),
                layer.mode(),
                layer.rank(),
                layer.inChannels(),
                layer.outChannels(),
                layer.kernelSize(),
                layer.stride(),
                layer.firstShape(),
                layer.lastShape(),
                layer.paramsBefore(),
                layer.paramsAfter(),
                layer.macsBefore(),
                layer.macsAfter(),
                layer.relativeError(),
                layer.storedRelativeError(),
                layer.clampedElements(),
                layer.seconds(),
                new RunSummary.Marks(
                        spectrum.singularValues(),
                        spectrum.threshold(),
                        spectrum.vbmfRank(),
                        spectrum.clampLow(),
                        spectrum.clampHigh(),
                        spectrum.whitened()),
                layer.policy(),
                layer.macsBeforeAtInput(),
                layer.macsAfterAtInput());
    }

    private static List<Integer> shape(Conv2d conv) {
        return Arrays.stream(conv.weight().shape()).boxed().toList();
    }
}
