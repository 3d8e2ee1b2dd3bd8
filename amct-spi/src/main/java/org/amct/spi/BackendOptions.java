package org.amct.spi;

/**
 * Settings a backend is opened with.
 *
 * @param threads the number of CPU threads the backend may use; 0 means "as many as the JVM reports
 *     available processors"
 */
public record BackendOptions(int threads) {
    /**
     * Validates the settings.
     *
     * @param threads the number of CPU threads the backend may use; 0 means "as many as the JVM
     *     reports available processors"
     * @throws IllegalArgumentException if {@code threads} is negative
     */
    public BackendOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
    }

    /**
     * The defaults: as many threads as there are available processors.
     *
     * @return the default options
     */
    public static BackendOptions defaults() {
        return new BackendOptions(0);
    }

    /**
     * The thread count to use, with 0 resolved to the available processors.
     *
     * @return a positive thread count
     */
    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
