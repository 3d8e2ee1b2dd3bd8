package org.amct.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong();
    private final StringWriter err = new StringWriter();

    private ProgressBar bar(boolean terminal) {
        return new ProgressBar(new PrintWriter(err, true), terminal, 100, now::get, false);
    }

    private static Map<String, Long> plan() {
        Map<String, Long> work = new LinkedHashMap<>();
        work.put("small", 1L);
        work.put("big", 3L);
        return work;
    }

    @Test
    void showsTheLayerInProgressFromTheStartAndEstimatesByWorkNotByCount() {
        ProgressBar bar = bar(true);
        bar.planned(plan());
        bar.layerStarted("small");
        assertTrue(err.toString().contains("0/2 small, 0:00 elapsed, estimating"), err.toString());

        now.set(10 * SECOND);
        bar.layerDone(1, 2, "small");
        bar.layerStarted("big");
        // A quarter of the work in 10 s: 30 s left (counting layers would say 10 s).
        String last = lastFrame();
        assertTrue(last.contains("1/2 big, 0:10 elapsed, about 0:30 left"), last);
        assertTrue(last.startsWith("[" + "#".repeat(6) + "."), last);

        now.set(40 * SECOND);
        bar.layerDone(2, 2, "big");
        assertTrue(err.toString().endsWith(System.lineSeparator()), "the line is ended");
        bar.close();
        assertTrue(lastFrame().contains("2/2"), err.toString());
    }

    @Test
    void withoutATerminalPrintsOneLinePerLayer() {
        ProgressBar bar = bar(false);
        bar.planned(plan());
        bar.layerStarted("small");
        now.set(2 * SECOND);
        bar.layerDone(1, 2, "small");
        now.set(8 * SECOND);
        bar.layerDone(2, 2, "big");
        bar.close();
        List<String> lines = err.toString().lines().toList();
        assertEquals(
                List.of(
                        "amct: 1/2 small done, 0:02 elapsed, about 0:06 left",
                        "amct: 2/2 big done, 0:08 elapsed"),
                lines);
        assertFalse(err.toString().contains("\r"), "no redrawing in a log");
    }

    @Test
    void aFailureHalfWayEndsTheLine() {
        ProgressBar bar = bar(true);
        bar.planned(plan());
        bar.layerStarted("small");
        bar.close();
        assertTrue(err.toString().endsWith(System.lineSeparator()), err.toString());
    }

    @Test
    void durationsAndWidth() {
        assertEquals("0:59", ProgressBar.duration(59 * SECOND));
        assertEquals("1:01:05", ProgressBar.duration(3665 * SECOND));
        assertEquals(132, ProgressBar.width("132"));
        assertEquals(100, ProgressBar.width("wide"));
        assertEquals(100, ProgressBar.width(null));
    }

    private String lastFrame() {
        String all = err.toString().replace("\u001b[K", "");
        String[] frames = all.split("\r");
        return frames[frames.length - 1].strip();
    }
}
