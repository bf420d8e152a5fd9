package io.starling.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

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
            String stat = read(pid, "stat");
            // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            seconds += (utime + stime) / TICKS_PER_SECOND;
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
