package org.amct.backend.aparapi;

import com.aparapi.Config;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the warnings Aparapi logs on the current thread while a kernel runs. Aparapi reports why
 * it gave up on a device (a failed build, a failed launch) only through {@code java.util.logging},
 * so this is the one class of the module that touches it: it reads those records to put Aparapi's
 * reason into the {@link org.amct.spi.BackendException}, and logs nothing itself. The records still
 * reach whatever handlers the application configured.
 *
 * <p>Use it in a try-with-resources block around one kernel execution. Thread-safe.
 */
final class AparapiLogCapture implements AutoCloseable {
    private final Logger logger = Logger.getLogger(Config.getLoggerName());
    private final long threadId = Thread.currentThread().getId();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Handler handler = new Recorder();

    private AparapiLogCapture() {}

    /**
     * Starts collecting the current thread's warnings from Aparapi.
     *
     * @return the capture, to be closed
     */
    static AparapiLogCapture start() {
        AparapiLogCapture capture = new AparapiLogCapture();
        capture.logger.addHandler(capture.handler);
        return capture;
    }

    /**
     * What Aparapi warned about so far, in order.
     *
     * @return the messages, each with the message of the exception it carried, if any
     */
    List<String> messages() {
        return List.copyOf(messages);
    }

    /** Stops collecting. */
    @Override
    public void close() {
        logger.removeHandler(handler);
    }

    /** The handler that keeps the matching records' messages. */
    private final class Recorder extends Handler {
        @Override
        public void publish(LogRecord logRecord) {
            if (logRecord.getLevel().intValue() < Level.WARNING.intValue()
                    || logRecord.getLongThreadID() != threadId) {
                return;
            }
            String text = String.valueOf(logRecord.getMessage()).strip();
            if (logRecord.getThrown() != null) {
                text += " (" + logRecord.getThrown() + ")";
            }
            messages.add(text);
        }

        @Override
        public void flush() {
            // Nothing is buffered.
        }

        @Override
        public void close() {
            // Nothing to release.
        }
    }
}
