package io.starling.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.OperatingSystemMXBean;
import io.starling.testing.TestProcess;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The heap bin/starling gives the broker (bin/starling-memory): sized from the memory it may use
 * (STARLING_MEMORY, else the container's limit, else the machine's memory), bounded on a shared
 * machine, replaced by the user's own -Xmx. Most cases look at the command line the script would
 * start (a fake JDK); one starts the real broker and reads its maximum heap from /metrics.
 */
class MemorySettingsIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Pattern XMX = Pattern.compile("-Xmx(\\d+)m");
    private static final Map<String, String> LOOPBACK = Map.of(
            "STARLING_LISTENER_HOST", "127.0.0.1",
            "STARLING_LISTENER_PORT", "0",
            "STARLING_HTTP_HOST", "127.0.0.1",
            "STARLING_HTTP_PORT", "0");

    @TempDir
    static Path temp;

    private static Path home;

    @BeforeAll
    static void unzip() throws Exception {
        home = DistributionZip.unzipInto(Files.createDirectories(temp.resolve("install")));
    }

    /** The arguments bin/starling passes to a fake Java 17.0.15 with this environment. */
    private static List<String> javaArguments(Map<String, String> extra) throws Exception {
        FakeJdk jdk = FakeJdk.create(temp, "jdk " + extra.hashCode(), "17.0.15");
        Map<String, String> environment = CleanEnvironment.of(extra);
        environment.put("JAVA_HOME", jdk.home().toString());
        try (TestProcess starling =
                TestProcess.start(List.of(home.resolve("bin/starling").toString()), temp, environment)) {
            assertEquals(0, starling.awaitExit(START), starling.output());
        }
        return jdk.arguments();
    }

    /** The -Xmx in MiB of these arguments; fails when there is none or more than one. */
    private static long maxHeapMiB(List<String> arguments) {
        List<Long> sizes = arguments.stream()
                .map(XMX::matcher)
                .filter(Matcher::matches)
                .map(matcher -> Long.parseLong(matcher.group(1)))
                .toList();
        assertEquals(1, sizes.size(), arguments::toString);
        return sizes.get(0);
    }

    @ParameterizedTest(name = "STARLING_MEMORY={0}: -Xmx{1}m")
    @CsvSource({"64m, 32", "256m, 64", "1g, 256", "2048m, 512", "8g, 2048", "4194304k, 1024"})
    void aQuarterOfTheMemoryGivenIsTheHeap(String memory, long heapMiB) throws Exception {
        List<String> arguments = javaArguments(Map.of("STARLING_MEMORY", memory));
        assertEquals(heapMiB, maxHeapMiB(arguments));
        assertTrue(arguments.contains("-Xms32m"), arguments::toString);
        assertTrue(arguments.contains("-XX:G1PeriodicGCInterval=30000"), arguments::toString);
        assertTrue(arguments.contains("-XX:MaxHeapFreeRatio=40"), arguments::toString);
    }

    /**
     * Without STARLING_MEMORY: a quarter of the container's limit, or of the machine's memory but
     * at most 256 MiB. The JVM of this test tells its own view of the memory (the container's limit
     * where there is one); the script reads the cgroup files itself.
     */
    @Test
    void theHeapFollowsTheContainerOrIsBoundedOnASharedMachine() throws Exception {
        long machineMiB = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                        .filter(line -> line.startsWith("MemTotal:"))
                        .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                        .findFirst()
                        .orElseThrow()
                / 1024;
        long visibleMiB =
                ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class).getTotalMemorySize() / (1024 * 1024);
        long expected = visibleMiB < machineMiB ? visibleMiB / 4 : Math.min(256, machineMiB / 4);
        assertEquals(Math.max(32, expected), maxHeapMiB(javaArguments(Map.of())));
    }

    @Test
    void theUsersHeapSettingReplacesTheSizing() throws Exception {
        List<String> arguments = javaArguments(Map.of("JAVA_OPTS", "-Xmx300m"));
        assertEquals(300, maxHeapMiB(arguments));
        assertFalse(arguments.contains("-Xms32m"), arguments::toString);
        // The rest stays, before the user's options, so that theirs win.
        assertTrue(
                arguments.indexOf("-XX:G1PeriodicGCInterval=30000") < arguments.indexOf("-Xmx300m"),
                arguments::toString);

        List<String> percentage = javaArguments(Map.of("STARLING_OPTS", "-XX:MaxRAMPercentage=75"));
        assertTrue(percentage.stream().noneMatch(argument -> argument.startsWith("-Xm")), percentage::toString);
    }

    @Test
    void aMemorySizeThatIsNoneStopsStartUpSayingSo() throws Exception {
        Map<String, String> environment = CleanEnvironment.of(Map.of("STARLING_MEMORY", "lots"));
        try (TestProcess starling =
                TestProcess.start(List.of(home.resolve("bin/starling").toString()), temp, environment)) {
            assertEquals(2, starling.awaitExit(START), starling.output());
            assertTrue(starling.output().contains("STARLING_MEMORY is 'lots'"), starling.output());
        }
    }

    /** The real JVM takes the settings: its maximum heap, as the broker reports it, is the one chosen. */
    @Test
    void theBrokerRunsWithTheHeapChosenForItsMemory() throws Exception {
        Map<String, String> extra = new java.util.HashMap<>(LOOPBACK);
        extra.put("STARLING_MEMORY", "256m");
        try (TestProcess broker =
                TestProcess.start(List.of(home.resolve("bin/starling").toString()), temp, CleanEnvironment.of(extra))) {
            int httpPort = Integer.parseInt(
                    broker.awaitLine(Pattern.compile("Opening http listen socket on 127\\.0\\.0\\.1:(\\d+)"), START)
                            .group(1));
            HttpResponse<String> metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            Matcher heap =
                    Pattern.compile("\nstarling_jvm_heap_max_bytes (\\S+)\n").matcher(metrics.body());
            assertTrue(heap.find(), metrics.body());
            assertEquals(64L * 1024 * 1024, (long) Double.parseDouble(heap.group(1)), metrics.body());
            broker.terminate();
            assertEquals(0, broker.awaitExit(START), broker.output());
        }
    }
}
