package io.starling.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a program that a test needs from outside the JVM (mosquitto_sub, haproxy, npm, ...). A
 * missing one fails the test with a message naming the script that installs it, in every module
 * alike: a test that skipped instead would pass CI on a machine where it never ran.
 */
public final class ExternalTool {

    /** The project's script that installs every external program the tests use. */
    public static final String INSTALL_SCRIPT = "scripts/install-test-deps.sh";

    private ExternalTool() {}

    /** The program's path, searched on the PATH and in the system directories Debian installs to. */
    public static String require(String program) {
        return find(program).map(Path::toString).orElseThrow(() -> new AssertionError(missing(program)));
    }

    /** The one-line message for a missing program or service. */
    public static String missing(String what) {
        return what + " is not installed or not running: run " + INSTALL_SCRIPT;
    }

    private static Optional<Path> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(Stream.of(path.split(File.pathSeparator)), Stream.of("/usr/sbin", "/usr/bin", "/sbin"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
