package io.starling.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records what the broker logs at ERROR: the broker catches unexpected exceptions of a
 * connection and logs them ("Unexpected error on the connection ...", "Session task failed"),
 * so a fuzz test fails on those log lines rather than on an exception. Installing it also
 * quiets the broker's per-connection INFO and WARN lines, which would slow a fuzzing run down.
 */
public final class ErrorLogRecorder extends AppenderBase<ILoggingEvent> {

    private final List<String> errors = new ArrayList<>();

    public static ErrorLogRecorder install() {
        Logger broker = (Logger) LoggerFactory.getLogger("io.starling");
        broker.setLevel(Level.ERROR);
        ErrorLogRecorder recorder = new ErrorLogRecorder();
        recorder.setContext(broker.getLoggerContext());
        recorder.start();
        broker.addAppender(recorder);
        // Netty reports a leaked buffer at ERROR when the leak detector notices it.
        ((Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector")).addAppender(recorder);
        return recorder;
    }

    /** Detaches it and gives the broker's loggers their configured levels back. */
    public void uninstall() {
        Logger broker = (Logger) LoggerFactory.getLogger("io.starling");
        broker.detachAppender(this);
        broker.setLevel(null);
        ((Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector")).detachAppender(this);
        stop();
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            String line = event.getLoggerName() + ": " + event.getFormattedMessage();
            if (event.getThrowableProxy() != null) {
                line += " (" + event.getThrowableProxy().getClassName() + ": "
                        + event.getThrowableProxy().getMessage() + ")";
            }
            errors.add(line);
        }
    }

    /** The ERROR lines logged since the last call. */
    public synchronized List<String> drain() {
        List<String> drained = new ArrayList<>(errors);
        errors.clear();
        return drained;
    }
}
