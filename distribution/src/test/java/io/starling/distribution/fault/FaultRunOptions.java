package io.starling.distribution.fault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * One fault run's parameters, from system properties (set by distribution/pom.xml for the short
 * run in {@code mvn verify} and by {@code scripts/fault-run.sh} for long ones).
 *
 * @param seed        everything random (filters, slow subscribers, which fault when, on which node or client)
 * @param publishing  how long publishers publish while faults are injected
 * @param publishers  publishers; even indexes publish at QoS 1, odd ones at QoS 2
 * @param subscribers persistent subscribers with overlapping filters
 * @param rate        messages per second per publisher
 * @param kinds       the faults injected
 * @param work        where the distribution is unzipped and the logs are kept
 */
public record FaultRunOptions(
        long seed, Duration publishing, int publishers, int subscribers, int rate, Set<FaultKind> kinds, Path work) {

    public static FaultRunOptions fromSystemProperties(Path work) {
        String kinds = System.getProperty("fault.kinds", "");
        Set<FaultKind> chosen = EnumSet.allOf(FaultKind.class);
        if (!kinds.isBlank()) {
            chosen = EnumSet.noneOf(FaultKind.class);
            Arrays.stream(kinds.split(","))
                    .map(String::trim)
                    .map(String::toUpperCase)
                    .map(FaultKind::valueOf)
                    .forEach(chosen::add);
        }
        double minutes = Double.parseDouble(System.getProperty("fault.minutes", "1.5"));
        return new FaultRunOptions(
                Long.parseLong(System.getProperty("fault.seed", "1")),
                Duration.ofSeconds(Math.round(minutes * 60)),
                Integer.getInteger("fault.publishers", 4),
                Integer.getInteger("fault.subscribers", 5),
                Integer.getInteger("fault.rate", 10),
                chosen,
                work.resolve("seed-" + System.getProperty("fault.seed", "1")));
    }

    String describe() {
        return "seed " + seed + ", publishing " + publishing.toSeconds() + " s, " + publishers + " publishers at "
                + rate + " msg/s each, " + subscribers + " subscribers, faults " + kinds;
    }
}
