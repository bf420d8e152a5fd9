package io.starling.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The figures of one run and what failed. {@link #line} is the one-line form that
 * {@code compare.sh} parses; the rest is for people.
 *
 * @param messages         messages counted for throughput (copies delivered; connections for idle and storm;
 *                         reconnected clients for failover)
 * @param seconds          from the first publish to the last delivery (storm: from the drop to the last CONNACK;
 *                         failover: from the kill to the last CONNACK)
 * @param latency          microseconds, or null when the scenario does not measure it
 * @param compilerCpu      of the broker CPU seconds, those of its JIT compiler threads (NaN if unknown)
 * @param kibPerConnection broker RSS growth per connection (idle), read once the connections had been
 *                         idle for the options' settle time; NaN for other scenarios
 * @param kibAtLastConnack the same growth read at the last CONNACK (idle), NaN otherwise
 * @param offline          the fill and drain figures (offline), null otherwise
 */
public record Result(
        Options options,
        long published,
        long messages,
        double seconds,
        double cpuBefore,
        double cpuAfter,
        double compilerCpu,
        Histogram latency,
        double kibPerConnection,
        double kibAtLastConnack,
        OfflineFigures offline,
        List<String> failures,
        List<String> notes) {

    public boolean passed() {
        return failures.isEmpty();
    }

    double messagesPerSecond() {
        return seconds > 0 ? messages / seconds : Double.NaN;
    }

    double cpuSeconds() {
        return cpuAfter - cpuBefore;
    }

    /** The comparable figure: how much the broker did per second of its own CPU time. */
    double messagesPerCpuSecond() {
        return cpuSeconds() > 0 ? messages / cpuSeconds() : Double.NaN;
    }

    void print(PrintStream out) {
        out.println(title());
        out.printf(
                Locale.ROOT,
                "  published %d, counted %d in %.3f s: %.0f msg/s%n",
                published,
                messages,
                seconds,
                messagesPerSecond());
        if (!Double.isNaN(cpuBefore)) {
            out.printf(
                    Locale.ROOT,
                    "  broker CPU %.2f s -> %.2f s: %.2f s (JIT compiler threads %.2f s), %.0f msg per"
                            + " broker CPU-second%n",
                    cpuBefore,
                    cpuAfter,
                    cpuSeconds(),
                    compilerCpu,
                    messagesPerCpuSecond());
        }
        if (latency != null && latency.getTotalCount() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  latency p50 %d us, p90 %d us, p99 %d us, p99.9 %d us, max %d us%n",
                    latency.getValueAtPercentile(50),
                    latency.getValueAtPercentile(90),
                    latency.getValueAtPercentile(99),
                    latency.getValueAtPercentile(99.9),
                    latency.getMaxValue());
        }
        if (!Double.isNaN(kibPerConnection)) {
            out.printf(
                    Locale.ROOT,
                    "  broker RSS %.2f KiB per connection after %d s idle (%.2f at the last CONNACK)%n",
                    kibPerConnection,
                    options.settle().toSeconds(),
                    kibAtLastConnack);
        }
        if (offline != null) {
            out.printf(Locale.ROOT, "  broker RSS %.0f MiB before%n", offline.rssBaseKiB() / 1024);
            if (!Double.isNaN(offline.fillSeconds())) {
                out.printf(
                        Locale.ROOT,
                        "  fill: %d acknowledged in %.3f s, %.0f msg/s; broker RSS at most %.0f MiB%n",
                        offline.filled(),
                        offline.fillSeconds(),
                        offline.fillPerSecond(),
                        offline.rssFillMaxKiB() / 1024);
            }
            if (!Double.isNaN(offline.drainSeconds())) {
                out.printf(
                        Locale.ROOT,
                        "  drain: %d delivered in %.3f s, %.0f msg/s; broker RSS at most %.0f MiB%n",
                        offline.drained(),
                        offline.drainSeconds(),
                        offline.drainPerSecond(),
                        offline.rssDrainMaxKiB() / 1024);
            }
        }
        notes.forEach(note -> out.println("  note: " + note));
        failures.forEach(failure -> out.println("  FAILED: " + failure));
        out.println(line());
    }

    private String title() {
        return switch (options.scenario()) {
            case IDLE -> String.format(Locale.ROOT, "idle, %d connections", options.connections());
            case STORM ->
                String.format(
                        Locale.ROOT,
                        "storm, %d clients with passwords reconnecting at once%s",
                        options.connections(),
                        options.tls() ? ", TLS" : "");
            case FAILOVER ->
                String.format(
                        Locale.ROOT,
                        "failover, %d clients with passwords through the balancer, one node killed",
                        options.connections());
            case GUESS ->
                String.format(Locale.ROOT, "guess, %d password guessers and one legitimate client", options.clients());
            case DRAIN ->
                String.format(
                        Locale.ROOT,
                        "drain, %d queued QoS 1 messages of %d bytes",
                        options.messages(),
                        options.payloadSize());
            case OFFLINE ->
                String.format(
                        Locale.ROOT,
                        "offline (%s), %d sessions x %d queued QoS 1 messages of %d bytes",
                        options.phase(),
                        options.clients(),
                        options.messages(),
                        options.payloadSize());
            default ->
                String.format(
                        Locale.ROOT,
                        "%s, QoS %d, %s, %d byte payloads%s",
                        options.scenario().label(),
                        options.qos(),
                        options.rate() == 0 ? "max rate" : "offered " + options.rate() + " msg/s",
                        options.payloadSize(),
                        options.persistent() ? ", persistent subscribers" : "");
        };
    }

    /** {@code RESULT key=value ...}, unknown figures as {@code -}. */
    String line() {
        List<String> fields = new ArrayList<>();
        fields.add("scenario=" + options.scenario().label());
        fields.add("qos=" + options.qos());
        fields.add("rate=" + (options.rate() == 0 ? "max" : Integer.toString(options.rate())));
        fields.add("persistent=" + options.persistent());
        fields.add("mqtt=" + (options.mqttVersion() == 5 ? "5" : "3.1.1"));
        fields.add("published=" + published);
        fields.add("messages=" + messages);
        fields.add("seconds=" + number(seconds, 3));
        fields.add("msgs_per_s=" + number(messagesPerSecond(), 0));
        fields.add("cpu_s=" + number(cpuSeconds(), 2));
        fields.add("msgs_per_cpu_s=" + number(messagesPerCpuSecond(), 0));
        fields.add("jit_cpu_s=" + number(compilerCpu, 2));
        boolean hasLatency = latency != null && latency.getTotalCount() > 0;
        fields.add("p50_us=" + percentile(hasLatency, 50));
        fields.add("p90_us=" + percentile(hasLatency, 90));
        fields.add("p99_us=" + percentile(hasLatency, 99));
        fields.add("p999_us=" + percentile(hasLatency, 99.9));
        fields.add("max_us=" + (hasLatency ? Long.toString(latency.getMaxValue()) : "-"));
        fields.add("kib_per_conn=" + number(kibPerConnection, 2));
        fields.add("kib_at_connack=" + number(kibAtLastConnack, 2));
        fields.add("fill_msgs_per_s=" + (offline == null ? "-" : number(offline.fillPerSecond(), 0)));
        fields.add("drain_msgs_per_s=" + (offline == null ? "-" : number(offline.drainPerSecond(), 0)));
        fields.add("rss_base_mib=" + (offline == null ? "-" : number(offline.rssBaseKiB() / 1024, 0)));
        fields.add("rss_fill_max_mib=" + (offline == null ? "-" : number(offline.rssFillMaxKiB() / 1024, 0)));
        fields.add("rss_drain_max_mib=" + (offline == null ? "-" : number(offline.rssDrainMaxKiB() / 1024, 0)));
        fields.add("status=" + (passed() ? "PASS" : "FAIL"));
        return "RESULT " + String.join(" ", fields);
    }

    private String percentile(boolean hasLatency, double percentile) {
        return hasLatency ? Long.toString(latency.getValueAtPercentile(percentile)) : "-";
    }

    private static String number(double value, int decimals) {
        return Double.isNaN(value) || Double.isInfinite(value)
                ? "-"
                : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
