package io.starling.distribution.fault;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The randomized fault run ({@link FaultRun}) as a test: in {@code mvn verify} its short seeded
 * version (distribution/pom.xml: {@code fault.run.enabled} turns it on and off, {@code fault.seed}
 * and {@code fault.minutes} shape it); {@code scripts/fault-run.sh} runs it with any seed and
 * length. Fails on any lost acknowledged message, QoS 2 duplicate or reordering.
 */
@EnabledIfSystemProperty(named = "fault.run.enabled", matches = "true")
class FaultRunIT {

    @Test
    void noAcknowledgedMessageIsLostDuplicatedOrReorderedUnderRandomFaults() throws Exception {
        Path work = Path.of(System.getProperty("distribution.work.dir"), "fault-run");
        FaultReport report = FaultRun.run(FaultRunOptions.fromSystemProperties(work));
        assertTrue(report.passed(), report.text());
    }
}
