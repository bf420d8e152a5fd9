package io.starling.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds real plugin jars in tests: compiles a source tree against the test's class path
 * (which holds the SPI) with the JDK compiler and packs classes and resources as {@code jar}
 * would. The example plugin project (auth-plugins/example-plugin) is built this way from its
 * own sources.
 */
public final class PluginJars {

    private PluginJars() {}

    /** The plugin of a Maven-layout project (src/main/java, src/main/resources), as {@code jar}. */
    public static Path project(Path projectDirectory, Path work, Path jar) throws IOException {
        return build(
                work, projectDirectory.resolve("src/main/java"), projectDirectory.resolve("src/main/resources"), jar);
    }

    /** A jar from source files and resources given as text, keyed by their path in the tree. */
    public static Path fromText(Path work, Map<String, String> sources, Map<String, String> resources, Path jar)
            throws IOException {
        Path sourceRoot = writeAll(Files.createTempDirectory(work, "src"), sources);
        Path resourceRoot = writeAll(Files.createTempDirectory(work, "resources"), resources);
        return build(work, sourceRoot, resourceRoot, jar);
    }

    private static Path build(Path work, Path sourceRoot, Path resourceRoot, Path jar) throws IOException {
        Path classes = Files.createTempDirectory(work, "classes");
        compile(sourceRoot, classes);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            pack(classes, out);
            pack(resourceRoot, out);
        }
        return jar;
    }

    private static void compile(Path sourceRoot, Path classes) throws IOException {
        List<String> sources;
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            sources = files.map(Path::toString)
                    .filter(file -> file.endsWith(".java"))
                    .toList();
        }
        if (sources.isEmpty()) {
            return; // a jar of resources only
        }
        List<String> arguments = new ArrayList<>(List.of(
                "--release",
                "17",
                "-proc:none",
                "-d",
                classes.toString(),
                "-cp",
                System.getProperty("java.class.path")));
        arguments.addAll(sources);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        if (compiler.run(null, errors, errors, arguments.toArray(String[]::new)) != 0) {
            throw new IllegalStateException(
                    "compiling " + sourceRoot + " failed:\n" + errors.toString(StandardCharsets.UTF_8));
        }
    }

    private static void pack(Path root, JarOutputStream out) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            out.putNextEntry(new JarEntry(root.relativize(file).toString().replace('\\', '/')));
            Files.copy(file, out);
            out.closeEntry();
        }
    }

    private static Path writeAll(Path root, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = root.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        return root;
    }
}
