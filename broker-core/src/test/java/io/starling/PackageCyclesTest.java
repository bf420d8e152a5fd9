package io.starling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No two packages of broker-core depend on each other, directly or through others: the
 * dependencies of its main sources (imports, fully qualified names, javadoc links included)
 * form no cycle, so that each package can be read and changed with only those below it in mind.
 */
class PackageCyclesTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    /** A reference to a class of this project: the package is what comes before the capitalised name. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.starling(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        Map<String, Set<String>> dependencies = dependencies(SOURCES);
        assertTrue(dependencies.size() > 5, "packages found under " + SOURCES.toAbsolutePath() + ": " + dependencies);
        List<String> cycles = new ArrayList<>();
        for (String start : dependencies.keySet()) {
            List<String> path = pathBack(start, start, dependencies, new TreeSet<>());
            if (path != null) {
                cycles.add(start + " -> " + String.join(" -> ", path));
            }
        }
        assertEquals(List.of(), cycles, "package cycles in broker-core");
    }

    @Test
    void findsACycle() {
        Map<String, Set<String>> dependencies = Map.of(
                "a", Set.of("b"),
                "b", Set.of("c"),
                "c", Set.of("a"));
        assertEquals(List.of("b", "c", "a"), pathBack("a", "a", dependencies, new TreeSet<>()));
        assertEquals(null, pathBack("a", "a", Map.of("a", Set.of("b"), "b", Set.of()), new TreeSet<>()));
    }

    /** The packages from {@code from} to {@code target} (which ends it), or null if there is no way. */
    private static List<String> pathBack(
            String from, String target, Map<String, Set<String>> dependencies, Set<String> visited) {
        for (String next : dependencies.getOrDefault(from, Set.of())) {
            if (next.equals(target)) {
                return new ArrayList<>(List.of(next));
            }
            if (visited.add(next)) {
                List<String> rest = pathBack(next, target, dependencies, visited);
                if (rest != null) {
                    rest.add(0, next);
                    return rest;
                }
            }
        }
        return null;
    }

    /** Each package of the sources and the other packages of this project it refers to. */
    private static Map<String, Set<String>> dependencies(Path root) {
        Map<String, Set<String>> dependencies = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher declared = PACKAGE.matcher(source);
                if (!declared.find()) {
                    continue;
                }
                String pkg = declared.group(1);
                Set<String> used = dependencies.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher reference = REFERENCE.matcher(source);
                while (reference.find()) {
                    if (!reference.group(1).equals(pkg)) {
                        used.add(reference.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dependencies;
    }
}
