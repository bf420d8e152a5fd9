package io.starling.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Reads a broker process's CPU time and resident memory from {@code /proc}. CPU time is the
 * figure that compares brokers fairly here: the generator shares the machine's cores with
 * the broker, so wall-clock throughput partly measures the generator.
 */
final class BrokerProbe {

    /** Clock ticks per second of utime/stime; 100 on every Linux this runs on (getconf CLK_TCK). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long[] pids;

    /** The broker processes to add up (0s are left out): one, or the nodes of a cross-node run. */
    BrokerProbe(long... pids) {
        this.pids = Arrays.stream(pids).filter(pid -> pid > 0).toArray();
    }

    boolean known() {
        return pids.length > 0;
    }

    /** utime + stime in seconds of all the processes, NaN when no broker process is known. */
    double cpuSeconds() {
        if (!known()) {
            return Double.NaN;
        }
        double seconds = 0;
        for (long pid : pids) {
            seconds += ticks(read(pid, "stat")) / TICKS_PER_SECOND;
        }
        return seconds;
    }

    /**
     * utime + stime in seconds of the JIT compiler threads (HotSpot's "C1 CompilerThreadN" and
     * "C2 CompilerThreadN", named "C1 CompilerThre..." in /proc) of all the processes: part of
     * {@link #cpuSeconds()}, a one-time cost of a JVM broker while its code warms up. 0 for a
     * process without them; NaN when no broker process is known.
     */
    double compilerCpuSeconds() {
        if (!known()) {
            return Double.NaN;
        }
        double seconds = 0;
        for (long pid : pids) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat = readOrEmpty(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (open < 0 || close < open) {
                        continue; // the thread ended meanwhile
                    }
                    String name = stat.substring(open + 1, close);
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        seconds += ticks(stat) / TICKS_PER_SECOND;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list /proc/" + pid + "/task (is the broker running?)", e);
            }
        }
        return seconds;
    }

    /** VmRSS in KiB of all the processes, NaN when no broker process is known. */
    double rssKiB() {
        if (!known()) {
            return Double.NaN;
        }
        double kib = 0;
        for (long pid : pids) {
            kib += rssKiB(pid);
        }
        return kib;
    }

    /** utime + stime of a process's or thread's stat line. */
    private static long ticks(String stat) {
        // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static double rssKiB(long pid) {
        for (String line : read(pid, "status").split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Double.parseDouble(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    private static String read(long pid, String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/" + file + " (is the broker running?)", e);
        }
    }
}
