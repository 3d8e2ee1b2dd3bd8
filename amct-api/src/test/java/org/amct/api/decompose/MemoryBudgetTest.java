package org.amct.api.decompose;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.amct.api.exception.DecompositionException;
import org.junit.jupiter.api.Test;

/** A layer is admitted only when its estimate plus the collector's headroom fits in the heap. */
class MemoryBudgetTest {

    @Test
    void anEstimateThatFitsOnlyWithoutTheHeadroomIsRefusedBeforeAllocation() {
        long max = Runtime.getRuntime().maxMemory();
        // 80% of the heap: the free heap holds it, but not half of it again
        long bytes = max / 10 * 8;
        MemoryBudget budget = new MemoryBudget();
        DecompositionException e =
                assertThrows(
                        DecompositionException.class, () -> budget.acquire("big", bytes, "test"));
        long needed = (bytes + bytes / MemoryBudget.HEADROOM_DIVISOR) >> 20;
        assertTrue(
                e.getMessage().startsWith(String.format("Layer 'big' needs about %,d MB", needed)),
                e.getMessage());
    }

    @Test
    void aSmallEstimateIsAdmittedAndReleased() throws InterruptedException {
        MemoryBudget budget = new MemoryBudget();
        long bytes = Runtime.getRuntime().maxMemory() / 100;
        budget.acquire("small", bytes, "test");
        budget.acquire("small again", bytes, "test");
        budget.release(bytes);
        budget.release(bytes);
    }
}
