package io.starling.distribution;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The project's container image, built for a test class by {@code scripts/build-image.sh} from
 * this build's zip, on the local Debian JRE image (no registry is reachable), under a tag of its
 * own that {@link #remove} deletes again.
 */
final class StarlingImage {

    private final String name;

    private StarlingImage(String name) {
        this.name = name;
    }

    static StarlingImage build() throws Exception {
        String name =
                "starling-test/starling:it-" + UUID.randomUUID().toString().substring(0, 8);
        Commands.run(
                List.of(
                        repository().resolve("scripts/build-image.sh").toString(),
                        "--jre",
                        StarlingContainers.JRE.asCanonicalNameString(),
                        "--tag",
                        name),
                repository(),
                CleanEnvironment.of(Map.of()));
        return new StarlingImage(name);
    }

    /** The repository's root directory (the distribution module's parent). */
    static Path repository() {
        return Path.of(DistributionZip.property("distribution.pom"))
                .toAbsolutePath()
                .getParent()
                .getParent();
    }

    String name() {
        return name;
    }

    void remove() throws Exception {
        Commands.docker("image", "rm", name);
    }
}
