package io.starling.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** End-to-end latency, publisher write to subscriber read, in microseconds; any thread may record. */
final class Latency {

    /** Values above a minute are clamped: they only occur when a run is already failing. */
    private static final long MAX_MICROS = 60_000_000;

    private final Recorder recorder = new Recorder(MAX_MICROS, 3);

    void record(long sentNanos, long receivedNanos) {
        recorder.recordValue(Math.min(MAX_MICROS, Math.max(0, (receivedNanos - sentNanos) / 1000)));
    }

    /** Everything recorded so far; call once, after the run. */
    Histogram histogram() {
        return recorder.getIntervalHistogram();
    }
}
