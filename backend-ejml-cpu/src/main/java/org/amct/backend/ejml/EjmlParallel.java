package org.amct.backend.ejml;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Splits index ranges over the backend's own thread pool. Only this backend's pool is used (never
 * EJML's global one), so the thread count is exactly {@code BackendOptions.effectiveThreads()}.
 * Thread-safe; the pool is owned and shut down by {@link EjmlBackend}.
 */
final class EjmlParallel {
    /** What one task does with its half-open range {@code [start, end)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int start, int end);
    }

    private final ForkJoinPool pool;
    private final int threads;

    EjmlParallel(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
    }

    /** The number of threads work is spread over. */
    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [start, end)} split into about {@code threads} equal chunks;
     * runs inline when the range is shorter than {@code minChunk} per thread.
     */
    void forRange(int start, int end, int minChunk, RangeBody body) {
        int length = end - start;
        int chunks = Math.min(threads, Math.max(1, length / Math.max(1, minChunk)));
        if (pool == null || chunks <= 1) {
            body.run(start, end);
            return;
        }
        int[] bounds = new int[chunks + 1];
        for (int c = 0; c <= chunks; c++) {
            bounds[c] = start + (int) ((long) length * c / chunks);
        }
        forBounds(bounds, body);
    }

    /**
     * Chunk bounds for rows whose cost grows linearly with their distance from {@code start} (a
     * lower triangle): about {@code threads} chunks of equal area, none shorter than {@code
     * minChunk} rows; a single chunk when there is no pool.
     */
    int[] triangleBounds(int start, int end, int minChunk) {
        int length = end - start;
        int chunks = Math.min(threads, Math.max(1, length / Math.max(1, minChunk)));
        if (pool == null) {
            chunks = 1;
        }
        int[] bounds = new int[chunks + 1];
        for (int c = 0; c <= chunks; c++) {
            bounds[c] = start + (int) Math.round(length * Math.sqrt((double) c / chunks));
        }
        return bounds;
    }

    /** Runs {@code body} on each range {@code [bounds[c], bounds[c + 1])}, in parallel. */
    void forBounds(int[] bounds, RangeBody body) {
        if (pool == null || bounds.length <= 2) {
            for (int c = 0; c + 1 < bounds.length; c++) {
                body.run(bounds[c], bounds[c + 1]);
            }
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(bounds.length - 1);
        for (int c = 0; c + 1 < bounds.length; c++) {
            int from = bounds[c];
            int to = bounds[c + 1];
            tasks.add(ForkJoinTask.adapt(() -> body.run(from, to)));
        }
        // join() rethrows a task's unchecked exception in the calling thread.
        pool.submit(() -> ForkJoinTask.invokeAll(tasks)).join();
    }

    /** Shuts the pool down; running tasks finish. */
    void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
