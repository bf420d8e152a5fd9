package io.starling.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A JAVA_HOME whose java says it is a given version and, for anything but -version, writes its
 * arguments one per line to the file "arguments" beside bin/: what bin/starling would start, without
 * starting it.
 */
final class FakeJdk {

    private final Path home;

    private FakeJdk(Path home) {
        this.home = home;
    }

    /** Creates it as {@code parent/name}. */
    static FakeJdk create(Path parent, String name, String version) throws IOException {
        Path home = parent.resolve(name);
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(
                java,
                "#!/bin/sh\n"
                        + "if [ \"$1\" = -version ]; then echo 'openjdk version \"" + version
                        + "\" 2019-01-15' >&2; exit 0; fi\n"
                        + "printf '%s\\n' \"$@\" > '" + home.resolve("arguments") + "'\n");
        assertTrue(java.toFile().setExecutable(true));
        return new FakeJdk(home);
    }

    Path home() {
        return home;
    }

    /** The arguments of its last start. */
    List<String> arguments() throws IOException {
        return Files.readAllLines(home.resolve("arguments"));
    }
}
