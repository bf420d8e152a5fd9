package io.starling.distribution.fault;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The run's summary, printed at the end: what was injected, what was published, and each subscriber's verdict. */
public record FaultReport(String text, boolean passed) {

    /** How many examples of each finding the summary lists (all are counted). */
    private static final int EXAMPLES = 10;

    static FaultReport of(
            FaultRunOptions options,
            EventLog log,
            List<FaultPublisher> publishers,
            List<Verdict> verdicts,
            List<String> errors) {
        boolean passed =
                errors.isEmpty() && !verdicts.isEmpty() && verdicts.stream().allMatch(Verdict::passed);
        StringBuilder text = new StringBuilder("\n== fault run summary ==\n");
        text.append(options.describe()).append('\n');
        text.append("repeat: scripts/fault-run.sh --seed ")
                .append(options.seed())
                .append(" --minutes ")
                .append(options.publishing().toSeconds() / 60.0)
                .append(" --kinds ")
                .append(options.kinds().stream().map(Enum::name).collect(Collectors.joining(",")))
                .append('\n');
        Map<FaultKind, Integer> counts = log.counts();
        text.append("faults injected: ")
                .append(counts.isEmpty() ? "none" : counts)
                .append('\n');
        log.lines().forEach(line -> text.append("  ").append(line).append('\n'));
        int acknowledged = 0;
        for (FaultPublisher publisher : publishers) {
            acknowledged += publisher.acknowledged();
            text.append(String.format(
                    "publisher %s QoS %d %s: %d acknowledged, %d sent%s%n",
                    publisher.clientId,
                    publisher.qos,
                    publisher.topic,
                    publisher.acknowledged(),
                    publisher.attempted(),
                    publisher.gaveUp() ? ", GAVE UP" : ""));
        }
        text.append("messages acknowledged to publishers: ")
                .append(acknowledged)
                .append('\n');
        int expected = 0;
        int lost = 0;
        int duplicatesQos2 = 0;
        int outOfOrder = 0;
        for (Verdict verdict : verdicts) {
            expected += verdict.expected();
            lost += verdict.lost().size();
            duplicatesQos2 += verdict.duplicatesQos2();
            outOfOrder += verdict.outOfOrder().size();
            text.append(line(verdict));
        }
        text.append(String.format(
                "all subscribers: %d to deliver, %d lost, %d QoS 2 duplicates, %d out of order%n",
                expected, lost, duplicatesQos2, outOfOrder));
        errors.forEach(error -> text.append("error: ").append(error).append('\n'));
        text.append("result: ").append(passed ? "PASS" : "FAIL").append('\n');
        return new FaultReport(text.toString(), passed);
    }

    private static String line(Verdict verdict) {
        StringBuilder line = new StringBuilder(String.format(
                "subscriber %s%s: %d to deliver, %d delivered, %d lost (%d unreleased QoS 2), duplicates %d at QoS 1 (allowed)"
                        + " and %d at QoS 2, %d out of order, %d unexpected: %s%n",
                verdict.clientId(),
                verdict.slow() ? " (slow)" : "",
                verdict.expected(),
                verdict.delivered(),
                verdict.lost().size(),
                verdict.unreleased().size(),
                verdict.duplicatesQos1(),
                verdict.duplicatesQos2(),
                verdict.outOfOrder().size(),
                verdict.unexpected().size(),
                verdict.passed() ? "ok" : "FAIL"));
        appendExamples(line, "lost", verdict.lost());
        appendExamples(line, "unreleased (packet ids the client got them under)", verdict.unreleased());
        appendExamples(line, "QoS 2 duplicates", verdict.duplicatedQos2());
        appendExamples(line, "out of order", verdict.outOfOrder());
        appendExamples(line, "unexpected", verdict.unexpected());
        return line.toString();
    }

    private static void appendExamples(StringBuilder line, String what, List<?> found) {
        if (!found.isEmpty()) {
            line.append("    ")
                    .append(what)
                    .append(", e.g. ")
                    .append(found.subList(0, Math.min(EXAMPLES, found.size())))
                    .append('\n');
        }
    }
}
