package io.starling.distribution.fault;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the run injected and when (seconds since the cluster was up), printed as it happens and in the summary. */
final class EventLog {

    private final long startNanos = System.nanoTime();
    private final List<String> lines = new ArrayList<>();
    private final Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);

    /** An injected fault (counted) and what it did. */
    synchronized void fault(FaultKind kind, String what) {
        counts.merge(kind, 1, Integer::sum);
        note(kind + " " + what);
    }

    /** Anything else worth a line: a phase of the run, a step of a fault, a client giving up. */
    synchronized void note(String what) {
        String line = String.format("[%7.1f s] %s", seconds(), what);
        lines.add(line);
        System.out.println("fault run: " + line);
    }

    synchronized double seconds() {
        return (System.nanoTime() - startNanos) / (double) TimeUnit.SECONDS.toNanos(1);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    synchronized Map<FaultKind, Integer> counts() {
        return new EnumMap<>(counts);
    }
}
