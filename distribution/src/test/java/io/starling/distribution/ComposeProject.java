package io.starling.distribution;

import io.starling.testing.ExternalTool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One project of Debian's {@code docker-compose} (the example's compose files, under a project
 * name of the test's own), driven as a user would from the command line.
 */
final class ComposeProject {

    private final Path directory;
    private final String name;
    private final List<String> files;
    private final Map<String, String> environment;

    /**
     * @param environment the variables the compose files substitute (ports, image names), added
     *     to a clean copy of this JVM's environment
     */
    ComposeProject(Path directory, String name, List<String> files, Map<String, String> environment) {
        this.directory = directory;
        this.name = name;
        this.files = List.copyOf(files);
        this.environment = CleanEnvironment.of(environment);
    }

    void up() throws Exception {
        run("up", "-d");
    }

    /** Removes the containers, network and volumes (waiting up to 30 s for each node to stop). */
    void down() throws Exception {
        run("down", "--volumes", "--timeout", "30");
    }

    /** SIGKILL to the service's container, as a crash would. */
    void kill(String service) throws Exception {
        run("kill", "-s", "SIGKILL", service);
    }

    /** What the service's container has written to stdout and stderr so far. */
    String logs(String service) throws Exception {
        return run("logs", "--no-color", service);
    }

    /** Runs {@code command} in the service's container (as the image's user). */
    String exec(String service, String... command) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("exec", "-T", service));
        arguments.addAll(List.of(command));
        return run(arguments.toArray(String[]::new));
    }

    /** The id of the service's container. */
    String containerId(String service) throws Exception {
        return run("ps", "-q", service).trim();
    }

    /** Runs one docker-compose command, asserts it succeeded and returns its output. */
    String run(String... arguments) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(ExternalTool.require("docker-compose"), "--ansi", "never", "-p", name));
        for (String file : files) {
            command.add("-f");
            command.add(file);
        }
        command.addAll(List.of(arguments));
        return Commands.run(command, directory, environment);
    }
}
