package org.amct.spi;

import java.util.Objects;

/**
 * The outcome of probing a backend on this machine: either {@link Available} with the device it
 * would use and its priority, or {@link Unavailable} with the reason and what to do about it.
 *
 * <p>Priorities order the automatic choice: the highest available one wins. The conventional bands
 * are: GPU backends 300 and above, native CPU libraries 200, pure Java 100, other CPU paths below
 * 100, and CPU OpenCL devices below 10 (chosen only when forced).
 */
public sealed interface Availability permits Availability.Available, Availability.Unavailable {

    /**
     * Whether the backend can run here.
     *
     * @return {@code true} for {@link Available}
     */
    boolean isAvailable();

    /**
     * The backend can run here.
     *
     * @param device the device it will use, for example {@code "2 CPU cores (pure Java)"}
     * @param priority its rank in the automatic choice; higher wins
     */
    record Available(String device, int priority) implements Availability {
        /**
         * Checks that the device description is present.
         *
         * @param device the device it will use, for example {@code "2 CPU cores (pure Java)"}
         * @param priority its rank in the automatic choice; higher wins
         */
        public Available {
            Objects.requireNonNull(device, "device");
        }

        @Override
        public boolean isAvailable() {
            return true;
        }
    }

    /**
     * The backend cannot run here.
     *
     * @param reason what is missing, for example {@code "no OpenCL platform found"}
     * @param hint what the user can do, for example {@code "apt-get install pocl-opencl-icd"}
     */
    record Unavailable(String reason, String hint) implements Availability {
        /**
         * Checks that both texts are present.
         *
         * @param reason what is missing, for example {@code "no OpenCL platform found"}
         * @param hint what the user can do, for example {@code "apt-get install pocl-opencl-icd"}
         */
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(hint, "hint");
        }

        @Override
        public boolean isAvailable() {
            return false;
        }
    }

    /**
     * Shorthand for {@link Available}.
     *
     * @param device the device description
     * @param priority the priority
     * @return the availability
     */
    static Availability available(String device, int priority) {
        return new Available(device, priority);
    }

    /**
     * Shorthand for {@link Unavailable}.
     *
     * @param reason what is missing
     * @param hint what the user can do
     * @return the availability
     */
    static Availability unavailable(String reason, String hint) {
        return new Unavailable(reason, hint);
    }
}
