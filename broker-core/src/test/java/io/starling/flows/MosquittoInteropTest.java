package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.ExternalTool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interoperability with the Debian mosquitto-clients (mosquitto_pub, mosquitto_sub), run as
 * processes against the embedded broker on 127.0.0.1. mosquitto_sub prints each message as
 * "QOS RETAIN TOPIC PAYLOAD" (-F) and, with -d, a line per packet, which tells when its
 * SUBACK has arrived. Every process is bounded by -W and by a waitFor timeout.
 */
class MosquittoInteropTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String FORMAT = "MSG %q %r %t %p";

    private EmbeddedBroker broker;
    private Paho paho;
    private final List<CliProcess> processes = new ArrayList<>();

    @BeforeAll
    static void clientsInstalled() {
        ExternalTool.require("mosquitto_sub");
        ExternalTool.require("mosquitto_pub");
    }

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start();
        paho = new Paho(broker);
    }

    @AfterEach
    void stop() throws Exception {
        for (CliProcess process : processes) {
            process.close();
        }
        paho.close();
        broker.close();
    }

    private CliProcess run(String program, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(ExternalTool.require(program), "-h", "127.0.0.1", "-p", String.valueOf(broker.port())));
        command.addAll(List.of(args));
        CliProcess process = CliProcess.start(command.toArray(String[]::new));
        processes.add(process);
        return process;
    }

    /** Starts mosquitto_sub for one message and waits until its subscription is acknowledged. */
    private CliProcess subscribeOne(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-d", "-C", "1", "-W", "10", "-F", FORMAT));
        all.addAll(List.of(args));
        CliProcess sub = run("mosquitto_sub", all.toArray(String[]::new));
        sub.awaitLine(line -> line.contains("received SUBACK"), TIMEOUT);
        return sub;
    }

    private static String messageLine(CliProcess sub) throws InterruptedException {
        return sub.awaitLine(line -> line.startsWith("MSG "), TIMEOUT);
    }

    @ParameterizedTest(name = "mosquitto_sub at QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void mosquittoSubReceivesAtItsQos(int qos) throws Exception {
        CliProcess sub = subscribeOne("-i", "msub", "-q", String.valueOf(qos), "-t", "interop/#");
        paho.connect("pub").publish("interop/x", "hello " + qos, 2);

        assertEquals("MSG " + qos + " 0 interop/x hello " + qos, messageLine(sub));
        assertEquals(0, sub.waitFor(TIMEOUT), String.join("\n", sub.output()));
        if (qos == 1) {
            assertTrue(
                    sub.output().stream().anyMatch(line -> line.contains("sending PUBACK")),
                    sub.output().toString());
        }
        if (qos == 2) {
            assertTrue(
                    sub.output().stream().anyMatch(line -> line.contains("received PUBREL")),
                    sub.output().toString());
        }
    }

    @ParameterizedTest(name = "mosquitto_pub at QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void mosquittoPubIsDeliveredAtItsQos(int qos) throws Exception {
        Paho.Client subscriber = paho.subscriber("sub", "interop/#", 2);
        CliProcess pub = run(
                "mosquitto_pub",
                "-d",
                "-i",
                "mpub",
                "-q",
                String.valueOf(qos),
                "-t",
                "interop/y",
                "-m",
                "from mosquitto " + qos);
        assertEquals(0, pub.waitFor(TIMEOUT), String.join("\n", pub.output()));
        if (qos == 1) {
            assertTrue(
                    pub.output().stream().anyMatch(line -> line.contains("received PUBACK")),
                    pub.output().toString());
        }
        if (qos == 2) {
            assertTrue(
                    pub.output().stream().anyMatch(line -> line.contains("received PUBCOMP")),
                    pub.output().toString());
        }
        assertEquals(
                new Received.Msg("interop/y", "from mosquitto " + qos, qos, false, false),
                subscriber.received().next());
    }

    @Test
    void retainedMessageFromMosquittoPubReachesALaterMosquittoSubAndAnEmptyOneDeletesIt() throws Exception {
        CliProcess pub = run("mosquitto_pub", "-i", "mpub", "-q", "1", "-r", "-t", "interop/status", "-m", "online");
        assertEquals(0, pub.waitFor(TIMEOUT), String.join("\n", pub.output()));

        CliProcess sub =
                run("mosquitto_sub", "-i", "msub", "-C", "1", "-W", "10", "-q", "1", "-F", FORMAT, "-t", "interop/#");
        assertEquals("MSG 1 1 interop/status online", messageLine(sub));
        assertEquals(0, sub.waitFor(TIMEOUT));

        CliProcess delete = run("mosquitto_pub", "-i", "mpub", "-q", "1", "-r", "-n", "-t", "interop/status");
        assertEquals(0, delete.waitFor(TIMEOUT), String.join("\n", delete.output()));

        // After deletion a new subscriber gets no retained message: the first thing it
        // receives is a live marker published after its SUBACK.
        CliProcess after = subscribeOne("-i", "msub2", "-q", "1", "-t", "interop/#");
        paho.connect("pub").publish("interop/marker", "end", 1);
        assertEquals("MSG 1 0 interop/marker end", messageLine(after));
        assertEquals(0, after.waitFor(TIMEOUT));
    }

    @Test
    void mqtt31MosquittoSubAndPubWork() throws Exception {
        CliProcess sub = subscribeOne("-V", "mqttv31", "-i", "msub31", "-q", "2", "-t", "interop31/#");
        CliProcess pub = run(
                "mosquitto_pub", "-V", "mqttv31", "-i", "mpub31", "-q", "2", "-t", "interop31/z", "-m", "three-one");
        assertEquals(0, pub.waitFor(TIMEOUT), String.join("\n", pub.output()));
        assertEquals("MSG 2 0 interop31/z three-one", messageLine(sub));
        assertEquals(0, sub.waitFor(TIMEOUT), String.join("\n", sub.output()));
        assertTrue(
                sub.output().stream().anyMatch(line -> line.contains("received CONNACK (0)")),
                sub.output().toString());
    }

    @Test
    void mqtt31PahoClientInteroperatesWithA311MosquittoSub() throws Exception {
        CliProcess sub = subscribeOne("-i", "msub", "-q", "1", "-t", "interop/#");
        MqttConnectOptions options = Paho.options(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1);
        paho.connect("paho31", options).publish("interop/31", "from paho 3.1", 1);
        assertEquals("MSG 1 0 interop/31 from paho 3.1", messageLine(sub));
        assertEquals(0, sub.waitFor(TIMEOUT));
    }

    @Test
    void mqtt5MosquittoSubGetsTheUserPropertiesAndContentTypeOfAnMqtt5MosquittoPub() throws Exception {
        CliProcess sub =
                subscribeOne("-V", "mqttv5", "-i", "msub5", "-q", "1", "-t", "interop5/#", "-F", "MSG5 %q %t %p %C %P");
        CliProcess pub = run(
                "mosquitto_pub",
                "-d",
                "-V",
                "mqttv5",
                "-i",
                "mpub5",
                "-q",
                "1",
                "-t",
                "interop5/v",
                "-m",
                "five",
                "-D",
                "publish",
                "content-type",
                "text/plain",
                "-D",
                "publish",
                "user-property",
                "b",
                "2",
                "-D",
                "publish",
                "user-property",
                "a",
                "1");
        assertEquals(0, pub.waitFor(TIMEOUT), String.join("\n", pub.output()));
        assertTrue(
                pub.output().stream().anyMatch(line -> line.contains("received PUBACK")),
                pub.output().toString());
        assertEquals(
                "MSG5 1 interop5/v five text/plain b:2 a:1", sub.awaitLine(line -> line.startsWith("MSG5 "), TIMEOUT));
        assertEquals(0, sub.waitFor(TIMEOUT), String.join("\n", sub.output()));
    }
}
