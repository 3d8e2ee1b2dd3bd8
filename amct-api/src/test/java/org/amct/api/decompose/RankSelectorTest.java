package org.amct.api.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.amct.api.ReferenceCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rank rule alone, fed the reference's own singular values, reproduces every rank. */
class RankSelectorTest {

    static Stream<ReferenceCase> cases() {
        return ReferenceCase.decomposed().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reproducesTheReferenceRankFromItsSingularValues(ReferenceCase c) {
        JsonNode e = c.expected();
        double[] s = c.tensors().get("singular_values").toDoubles();
        int[] shape = c.ints("shape");
        int cin = e.get("in_channels").asInt();
        RankChoice choice = RankSelector.choose(s, cin, shape[0], shape[2], shape[3]);
        assertEquals(e.get("evbmf_raw_rank").asInt(), choice.vbmfRank(), c.name() + " raw VBMF");
        assertEquals(e.get("rank_clamp").get(0).asInt(), choice.clampLow(), c.name());
        assertEquals(e.get("rank_clamp").get(1).asInt(), choice.clampHigh(), c.name());
        assertEquals(e.get("rank").asInt(), choice.rank(), c.name() + " rank");
    }

    @Test
    void roundsToMultiplesOfSixteenWithinTheClampBand() {
        double[] flat = new double[192];
        java.util.Arrays.fill(flat, 1.0);
        RankChoice choice = RankSelector.choose(flat, 64, 96, 3, 3);
        assertEquals(0, choice.rank() % 16);
        assertTrue(choice.rank() >= 16 && choice.rank() <= 192);
    }

    @Test
    void allZeroSpectrumGetsTheLowerClampRounded() {
        RankChoice choice = RankSelector.choose(new double[192], 64, 96, 3, 3);
        // sigma2 = 0 gives threshold 0 and no value above it: the clamp decides, 27 -> 32.
        assertEquals(32, choice.rank());
        assertEquals(0, choice.vbmfRank());
    }

    @Test
    void brentFindsTheMinimumOfAParabola() {
        double x = BoundedBrent.minimize(v -> (v - 2) * (v - 2), 0, 5, 1e-5, 500);
        assertEquals(2.0, x, 1e-5);
    }

    @Test
    void brentStopsAtTheBoundWhenTheMinimumIsOutside() {
        double x = BoundedBrent.minimize(v -> v, 1, 3, 1e-5, 500);
        assertEquals(1.0, x, 1e-4);
    }
}
