package org.amct.api.bench;

import java.util.List;
import java.util.OptionalLong;

/**
 * The time and memory of one layer shape's decomposition on one backend.
 *
 * @param backend the backend id
 * @param device the device it ran on
 * @param shape the layer shape
 * @param rank the rank the rule chose
 * @param seconds each timed run's wall time, in run order
 * @param heapPeakBytes the Java heap's peak during the timed runs
 * @param residentPeakBytes the process's resident-set peak during the timed runs (Linux only)
 */
public record Measurement(
        String backend,
        String device,
        ConvShape shape,
        int rank,
        List<Double> seconds,
        long heapPeakBytes,
        OptionalLong residentPeakBytes) {
    /**
     * Copies the times.
     *
     * @param backend the backend id
     * @param device the device it ran on
     * @param shape the layer shape
     * @param rank the rank the rule chose
     * @param seconds each timed run's wall time, in run order
     * @param heapPeakBytes the Java heap's peak during the timed runs
     * @param residentPeakBytes the process's resident-set peak during the timed runs (Linux only)
     */
    public Measurement {
        seconds = List.copyOf(seconds);
    }

    /**
     * The median of the timed runs.
     *
     * @return seconds
     */
    public double medianSeconds() {
        double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
