package io.starling.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.testing.TestProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The zip this build made (system properties set by the pom), unzipped as a user would. */
public final class DistributionZip {

    private DistributionZip() {}

    /**
     * Unzips it with {@code unzip} (keeping the scripts' executable bits) into {@code parent}.
     *
     * @return the installation folder, {@code parent/starling-<version>}
     */
    public static Path unzipInto(Path parent) throws Exception {
        try (TestProcess unzip = TestProcess.start(
                List.of("unzip", "-q", property("distribution.zip"), "-d", parent.toString()),
                parent,
                System.getenv())) {
            assertEquals(0, unzip.awaitExit(Duration.ofSeconds(60)), unzip.output());
        }
        return parent.resolve("starling-" + property("distribution.version"));
    }

    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run this test with mvn verify");
        }
        return value;
    }
}
