package org.amct.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThreadPolicyTest {
    @Test
    void explicitCountsAreUsedAsGiven() {
        assertEquals(1, ThreadPolicy.resolve(1));
        assertEquals(7, ThreadPolicy.resolve(7));
    }

    @Test
    void automaticCountIsBetweenOneAndTheProcessors() {
        int chosen = ThreadPolicy.resolve(0);
        assertTrue(chosen >= 1 && chosen <= Runtime.getRuntime().availableProcessors());
    }

    @Test
    void idleMachineGetsEveryCore() {
        assertEquals(2, ThreadPolicy.automatic(2, 0.0));
        assertEquals(2, ThreadPolicy.automatic(2, 0.4));
        assertEquals(16, ThreadPolicy.automatic(16, 0.2));
    }

    @Test
    void busyCoresAreLeftAlone() {
        assertEquals(1, ThreadPolicy.automatic(2, 0.6));
        assertEquals(1, ThreadPolicy.automatic(2, 1.0));
        assertEquals(13, ThreadPolicy.automatic(16, 3.0));
    }

    @Test
    void anOverloadedMachineStillGetsOneThread() {
        assertEquals(1, ThreadPolicy.automatic(2, 12.4));
        assertEquals(1, ThreadPolicy.automatic(1, 0.0));
    }

    @Test
    void unknownLoadGivesHalfTheProcessorsRoundedUp() {
        assertEquals(1, ThreadPolicy.automatic(2, -1.0));
        assertEquals(2, ThreadPolicy.automatic(3, Double.NaN));
        assertEquals(1, ThreadPolicy.automatic(1, -1.0));
    }

    @Test
    void rejectsNegativeCountsAndNoCores() {
        assertThrows(IllegalArgumentException.class, () -> ThreadPolicy.resolve(-1));
        assertThrows(IllegalArgumentException.class, () -> ThreadPolicy.automatic(0, 0.0));
    }
}
