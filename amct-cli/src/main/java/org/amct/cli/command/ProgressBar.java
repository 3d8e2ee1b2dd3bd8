package org.amct.cli.command;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.amct.api.ProgressListener;

/**
 * The progress of {@code amct decompose} on stderr, from the first layer on: the layer being worked
 * on, {@code k/N}, the elapsed time and an estimate of the time left from the work done, weighed by
 * each layer's matrix size (not by counting layers). On a terminal it is one line, redrawn every
 * second while a layer runs and when a layer starts or ends; otherwise (under {@code -v}) it prints
 * one line per finished layer. Thread-safe.
 */
final class ProgressBar implements ProgressListener, AutoCloseable {
    private static final int BAR = 24;

    private final PrintWriter err;
    private final boolean terminal;
    private final int width;
    private final LongSupplier clock;
    private final ScheduledExecutorService ticker;
    private final Map<String, Long> work = new LinkedHashMap<>();
    private final Set<String> running = new LinkedHashSet<>();
    private long totalWork;
    private long doneWork;
    private int done;
    private long start;
    private boolean drawn;

    /**
     * A progress display.
     *
     * @param err stderr
     * @param terminal whether stderr is a terminal: a redrawn line; else a line per layer
     * @param width the terminal's width, for the redrawn line
     * @param clock nanoseconds, {@code System::nanoTime} outside tests
     * @param tick whether to redraw every second (a daemon thread; off in tests)
     */
    ProgressBar(PrintWriter err, boolean terminal, int width, LongSupplier clock, boolean tick) {
        this.err = err;
        this.terminal = terminal;
        this.width = Math.max(40, width);
        this.clock = clock;
        this.start = clock.getAsLong();
        if (tick && terminal) {
            ticker =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread thread = new Thread(r, "amct-progress");
                                thread.setDaemon(true);
                                return thread;
                            });
            ticker.scheduleAtFixedRate(this::redraw, 1, 1, TimeUnit.SECONDS);
        } else {
            ticker = null;
        }
    }

    @Override
    public synchronized void planned(Map<String, Long> plan) {
        work.clear();
        work.putAll(plan);
        totalWork = plan.values().stream().mapToLong(Long::longValue).sum();
        start = clock.getAsLong();
    }

    @Override
    public synchronized void layerStarted(String layer) {
        running.add(layer);
        if (terminal) {
            draw();
        }
    }

    @Override
    public synchronized void layerDone(int doneCount, int total, String layer) {
        running.remove(layer);
        done = doneCount;
        doneWork += work.getOrDefault(layer, 0L);
        if (terminal) {
            draw();
            if (doneCount == total) {
                err.println();
                drawn = false;
                err.flush();
            }
        } else {
            err.println("amct: " + status(total, layer + " done"));
            err.flush();
        }
    }

    private synchronized void redraw() {
        if (!running.isEmpty() || (done > 0 && done < work.size())) {
            draw();
        }
    }

    private void draw() {
        int total = work.size();
        double fraction = totalWork == 0 ? 0 : (double) doneWork / totalWork;
        int filled = (int) Math.round(BAR * Math.min(1, fraction));
        String current = running.isEmpty() ? "" : String.join(", ", running);
        String line =
                "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + status(total, current);
        if (line.length() > width - 1) {
            line = line.substring(0, width - 2) + "\u2026";
        }
        err.print("\r" + line + "\u001b[K");
        err.flush();
        drawn = true;
    }

    /** {@code 2/5 layer1.conv2, 0:45 elapsed, about 1:30 left}. */
    private String status(int total, String what) {
        long elapsed = clock.getAsLong() - start;
        StringBuilder text = new StringBuilder();
        text.append(done).append('/').append(total);
        if (!what.isEmpty()) {
            text.append(' ').append(what);
        }
        text.append(", ").append(duration(elapsed)).append(" elapsed");
        if (doneWork > 0 && doneWork < totalWork) {
            long left = (long) (elapsed * ((double) (totalWork - doneWork) / doneWork));
            text.append(", about ").append(duration(left)).append(" left");
        } else if (doneWork == 0 && total > 0) {
            text.append(", estimating the time left");
        }
        return text.toString();
    }

    /**
     * The width of the redrawn line.
     *
     * @param columns the {@code COLUMNS} environment variable, or null
     * @return its value when it is a number, else 100
     */
    static int width(String columns) {
        if (columns != null && columns.strip().matches("[0-9]{1,4}")) {
            return Integer.parseInt(columns.strip());
        }
        return 100;
    }

    static String duration(long nanos) {
        long seconds = Math.max(0, Math.round(nanos / 1e9));
        if (seconds >= 3600) {
            return String.format(
                    Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    /** Stops the ticker and ends a line left half drawn (a failure before the last layer). */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (drawn) {
            err.println();
            err.flush();
            drawn = false;
        }
    }
}
