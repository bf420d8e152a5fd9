package io.starling.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * What one load-generator run does. Every run is bounded: by its message count, and in time
 * by {@code duration} (publishing stops there) plus {@code grace} (for acknowledgements and
 * deliveries still on their way).
 *
 * @param messages    messages published in total (traffic scenarios), queued (drain), or queued for
 *                    each offline session (offline)
 * @param rate        offered messages per second over all publishers; 0 means as fast as possible
 * @param clients     publishers or subscribers on the "many" side of a traffic scenario; offline
 *                    persistent sessions (offline)
 * @param connections connections the idle scenario opens; clients of the storm and failover scenarios
 * @param window      QoS 1/2 messages a publisher has in flight at most
 * @param threads     client event loops
 * @param brokerPid   the broker process whose CPU and RSS are reported; 0 when unknown
 * @param persistent  traffic scenarios: subscribers keep persistent sessions (clean session 0),
 *                    so a broker with a store writes every QoS 1/2 copy before acknowledging it
 * @param subscriberPort      traffic scenarios: the port subscribers connect to, another node of
 *                            the same cluster for cross-node runs; 0 means {@code port}
 * @param subscriberBrokerPid that node's process, whose CPU seconds are added to the broker's; 0 when none
 * @param settle      the idle scenario leaves the broker alone this long before its connects (then
 *                    reads the baseline RSS) and with its idle connections this long after the last
 *                    CONNACK (then reads the RSS the result reports); 0: no waits
 * @param hold        the idle scenario keeps its connections open this long after measuring (0: none),
 *                    for looking at the broker meanwhile (jcmd, pmap)
 * @param tls         clients connect with TLS (the port is then the broker's TLS listener)
 * @param pending     CONNECTs outstanding at most while many clients connect
 * @param phase       the offline scenario's part this process runs: {@code all}, or {@code fill} then
 *                    (another process, after the broker was restarted) {@code drain} with the same run id
 * @param runId       keeps client ids and topics apart from other runs against the same broker; empty:
 *                    a random one (a drain phase needs its fill phase's)
 * @param dashboard   the broker's admin listener (http://127.0.0.1:9398): while the run lasts, its
 *                    overview is polled as an open dashboard does ({@link DashboardPoller}); empty: none
 * @param dashboardToken the admin token for those calls
 * @param mqttVersion the protocol level the clients speak: 4 (MQTT 3.1.1) or 5 (MQTT 5.0)
 * @param killPid     failover: the cluster node the generator kills with SIGKILL once its clients
 *                    are connected (through the balancer at {@code port})
 */
public record Options(
        String host,
        int port,
        Scenario scenario,
        int qos,
        int messages,
        int payloadSize,
        int rate,
        Duration duration,
        Duration grace,
        int clients,
        int connections,
        int window,
        int threads,
        long brokerPid,
        boolean persistent,
        int subscriberPort,
        long subscriberBrokerPid,
        Duration settle,
        Duration hold,
        boolean tls,
        int pending,
        String phase,
        String runId,
        String dashboard,
        String dashboardToken,
        int mqttVersion,
        long killPid) {

    /** The offline scenario's phases. */
    public static final String ALL = "all";

    public static final String FILL = "fill";
    public static final String DRAIN = "drain";

    public Options {
        // Benchmarks only ever load this machine's loopback.
        require(host.equals("127.0.0.1"), "host must be 127.0.0.1 (benchmarks run on loopback only)");
        require(port > 0 && port < 65536, "port must be 1-65535");
        require(qos >= 0 && qos <= 2, "qos must be 0, 1 or 2");
        require(mqttVersion == 4 || mqttVersion == 5, "mqtt-version must be 4 (3.1.1) or 5");
        require(messages > 0, "messages must be positive");
        require(payloadSize >= Payloads.HEADER, "payload must be at least " + Payloads.HEADER + " bytes");
        require(rate >= 0, "rate must be 'max' or a positive number");
        require(duration.toMillis() > 0 && grace.toMillis() > 0, "duration and grace must be positive");
        require(clients > 0 && clients <= 10_000, "clients must be 1-10000");
        require(
                scenario != Scenario.GUESS || clients <= 250,
                "guess: at most 250 guessers (one address 127.0.0.x each)");
        require(connections > 0 && connections <= 100_000, "connections must be 1-100000");
        require(window > 0 && window < 65_535, "window must be 1-65534");
        require(threads > 0 && threads <= 64, "threads must be 1-64");
        require(pending > 0 && pending <= 10_000, "pending must be 1-10000");
        require(subscriberPort >= 0 && subscriberPort < 65536, "subscriber port must be 1-65535");
        require(!settle.isNegative() && settle.toSeconds() <= 600, "settle must be 0-600 seconds");
        require(!hold.isNegative() && hold.toSeconds() <= 3600, "hold must be 0-3600 seconds");
        require(phase.equals(ALL) || phase.equals(FILL) || phase.equals(DRAIN), "phase must be all, fill or drain");
        require(phase.equals(ALL) || scenario == Scenario.OFFLINE, "phase is for the offline scenario only");
        require(!phase.equals(DRAIN) || !runId.isEmpty(), "a drain phase needs the run id of its fill phase");
        require(
                (scenario == Scenario.FAILOVER) == (killPid > 0),
                "--kill-pid is for the failover scenario, which needs it");
        require(runId.matches("[0-9a-z-]{0,32}"), "run id: up to 32 of 0-9, a-z and -");
    }

    /** Where subscribers connect: {@code subscriberPort}, or the publishers' port. */
    int subscriberPortOrDefault() {
        return subscriberPort == 0 ? port : subscriberPort;
    }

    /**
     * After the publishers finished, this long without a new delivery ends a run: what has
     * not arrived by then is lost (QoS 0 may drop; at QoS 1/2 it is a failure).
     */
    long quietNanos() {
        return Math.min(grace.toNanos(), 2_000_000_000L);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public static final String USAGE = String.join(
            "\n",
            "usage: java -cp benchmarks.jar io.starling.bench.LoadGenerator --port PORT [options]",
            "  --host 127.0.0.1        broker address (loopback only)",
            "  --scenario NAME         fan-in | fan-out | p2p | shared | idle | drain | storm | failover | guess |",
            "                          offline (default fan-in); shared: the publishers, a topic each, and one",
            "                          $share/bench/... group of a tenth as many members",
            "  --qos 0|1|2             QoS of publishes and subscriptions (default 1; drain and offline are",
            "                          always 1)",
            "  --messages N            messages published in total, queued for drain, or queued for each",
            "                          offline session (default 10000)",
            "  --payload BYTES         payload size, at least " + Payloads.HEADER + " (default 64)",
            "  --rate max|N            offered messages/s over all publishers (default max)",
            "  --duration SECONDS      publishing stops after this (default 60)",
            "  --grace SECONDS         then wait at most this for acks and deliveries (default 10)",
            "  --clients N             the 'many' side of fan-in, fan-out, p2p; publishers of shared; guessers of guess, each from",
            "                          its own address 127.0.0.2... (default 100); guess connects storm-0;",
            "                          offline sessions",
            "  --connections N         connections the idle scenario opens, clients of storm and failover (default 10000);",
            "                          storm client storm-I has user name storm-I and password storm-I-pw",
            "  --tls true|false        connect with TLS, offering the last session for resumption (default false)",
            "  --pending N             CONNECTs outstanding at most while many clients connect (default 256)",
            "  --settle SECONDS        idle: read the broker's RSS after this long at rest before the",
            "                          connects, and this long after the last CONNACK with the connections",
            "                          idle (default 15; the RSS at the last CONNACK is reported too)",
            "  --hold SECONDS          idle: keep the connections open this long after measuring (default 0)",
            "  --window N              QoS 1/2 messages in flight per publisher (default 64)",
            "  --threads N             client event loops (default 2)",
            "  --broker-pid PID        report this process's CPU seconds and RSS (from /proc)",
            "  --persistent true|false traffic scenarios: subscribers use clean session 0, so the",
            "                          broker stores every QoS 1/2 copy (default false)",
            "  --subscriber-port PORT  traffic scenarios: subscribers connect here, e.g. to another",
            "                          node of the same cluster (default: --port)",
            "  --subscriber-broker-pid PID  that node's process: its CPU seconds are added (failover: the",
            "                          nodes left are --broker-pid and this one)",
            "  --kill-pid PID          failover: once the storm clients (--connections) are connected through",
            "                          the balancer at --port, kill this cluster node with SIGKILL and measure",
            "                          until every client is connected again",
            "  --phase all|fill|drain  offline: fill the sessions' queues, drain them, or both (default all);",
            "                          between fill and drain the broker can be restarted on its store",
            "  --run-id ID             client ids and topics of the run (default random; drain: fill's)",
            "  --dashboard URL         poll the admin API there as an open dashboard does (GET /api/v1/nodes",
            "                          every 3 s) while the run lasts, to measure what it costs (default: none)",
            "  --dashboard-token T     the admin token (starling.admin.token) for --dashboard",
            "  --mqtt-version 4|5      the clients speak MQTT 3.1.1 (4, the default) or MQTT 5.0 (5); guess",
            "                          always 3.1.1");

    public static Options parse(String[] args) {
        Builder b = new Builder();
        b.port = 0;
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[i + 1];
            switch (name) {
                case "--host" -> b.host = value;
                case "--port" -> b.port = integer(name, value);
                case "--scenario" -> b.scenario = Scenario.byName(value);
                case "--qos" -> b.qos = integer(name, value);
                case "--messages" -> b.messages = integer(name, value);
                case "--payload" -> b.payloadSize = integer(name, value);
                case "--rate" -> b.rate = value.toLowerCase(Locale.ROOT).equals("max") ? 0 : integer(name, value);
                case "--duration" -> b.duration = seconds(name, value);
                case "--grace" -> b.grace = seconds(name, value);
                case "--clients" -> b.clients = integer(name, value);
                case "--connections" -> b.connections = integer(name, value);
                case "--settle" -> b.settle = seconds(name, value);
                case "--hold" -> b.hold = seconds(name, value);
                case "--window" -> b.window = integer(name, value);
                case "--threads" -> b.threads = integer(name, value);
                case "--broker-pid" -> b.brokerPid = Long.parseLong(value);
                case "--persistent" -> b.persistent = bool(name, value);
                case "--subscriber-port" -> b.subscriberPort = integer(name, value);
                case "--subscriber-broker-pid" -> b.subscriberBrokerPid = Long.parseLong(value);
                case "--tls" -> b.tls = bool(name, value);
                case "--pending" -> b.pending = integer(name, value);
                case "--phase" -> b.phase = value;
                case "--run-id" -> b.runId = value;
                case "--dashboard" -> b.dashboard = value;
                case "--dashboard-token" -> b.dashboardToken = value;
                case "--mqtt-version" -> b.mqttVersion = integer(name, value);
                case "--kill-pid" -> b.killPid = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return b.build();
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: " + value);
        }
    }

    private static boolean bool(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + ": true or false, was " + value);
        };
    }

    private static Duration seconds(String name, String value) {
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number of seconds: " + value);
        }
    }

    /** Options with their defaults; set the fields that differ, then {@link #build}. */
    public static final class Builder {
        public String host = "127.0.0.1";
        public int port = 1883;
        public Scenario scenario = Scenario.FAN_IN;
        public int qos = 1;
        public int messages = 10_000;
        public int payloadSize = 64;
        public int rate;
        public Duration duration = Duration.ofSeconds(60);
        public Duration grace = Duration.ofSeconds(10);
        public int clients = 100;
        public int connections = 10_000;
        public int window = 64;
        public int threads = 2;
        public long brokerPid;
        public boolean persistent;
        public int subscriberPort;
        public long subscriberBrokerPid;
        public Duration settle = Duration.ofSeconds(15);
        public Duration hold = Duration.ZERO;
        public boolean tls;
        public int pending = 256;
        public String phase = ALL;
        public String runId = "";
        public String dashboard = "";
        public String dashboardToken = "";
        public int mqttVersion = 4;
        public long killPid;

        public Options build() {
            return new Options(
                    host,
                    port,
                    scenario,
                    qos,
                    messages,
                    payloadSize,
                    rate,
                    duration,
                    grace,
                    clients,
                    connections,
                    window,
                    threads,
                    brokerPid,
                    persistent,
                    subscriberPort,
                    subscriberBrokerPid,
                    settle,
                    hold,
                    tls,
                    pending,
                    phase,
                    runId,
                    dashboard,
                    dashboardToken,
                    mqttVersion,
                    killPid);
        }
    }
}
