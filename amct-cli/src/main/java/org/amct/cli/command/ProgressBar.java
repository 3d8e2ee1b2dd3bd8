package org.amct.cli.command;

import java.io.PrintWriter;
import org.amct.api.ProgressListener;

/** A one-line progress bar on stderr, redrawn after each layer. Thread-safe. */
final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 30;

    private final PrintWriter err;

    ProgressBar(PrintWriter err) {
        this.err = err;
    }

    @Override
    public synchronized void layerDone(int done, int total, String layer) {
        int filled = total == 0 ? WIDTH : WIDTH * done / total;
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        String line = String.format("\r[%s] %d/%d %s", bar, done, total, layer);
        err.print(line.length() > 100 ? line.substring(0, 100) : line);
        err.print("\u001b[K");
        if (done == total) {
            err.println();
        }
        err.flush();
    }
}
