package io.starling.storage.mapdb;

import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.PUBLISH;
import static io.starling.testing.RawMqttClient.SUBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shared subscription group's queue in MapDB: it survives a restart, and what a member acknowledged is gone. */
class SharedGroupRestartTest {

    @TempDir
    Path directory;

    private EmbeddedBroker start() throws InterruptedException {
        return EmbeddedBroker.start(
                MapDbStorageProvider.open(
                        new MapDbSettings(directory, Durability.ALWAYS, Duration.ofSeconds(1), 0, 0, 0)),
                List.of(),
                List.of());
    }

    private static String payload(RawMqttClient.Packet publish) {
        byte[] body = publish.body();
        int start = 2 + (((body[0] & 0xFF) << 8) | (body[1] & 0xFF)) + 2;
        return new String(body, start, body.length - start, StandardCharsets.UTF_8);
    }

    private static int packetId(RawMqttClient.Packet publish) {
        byte[] body = publish.body();
        int at = 2 + (((body[0] & 0xFF) << 8) | (body[1] & 0xFF));
        return ((body[at] & 0xFF) << 8) | (body[at + 1] & 0xFF);
    }

    @Test
    void theGroupsQueueSurvivesARestartAndAcknowledgedMessagesDoNotComeBack() throws Exception {
        try (EmbeddedBroker broker = start()) {
            try (RawMqttClient member = new RawMqttClient(broker.port())) {
                assertEquals(0, member.connect("member", false, 60));
                member.send(RawMqttClient.subscribePacket(1, "$share/g/r", 1)).expect(SUBACK);
                member.send(RawMqttClient.disconnect());
                assertTrue(member.isClosedByServer());
            }
            try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
                publisher.connect("publisher", true, 60);
                for (int i = 0; i < 5; i++) {
                    publisher
                            .send(RawMqttClient.publishPacket("r", 1, i + 1, "m" + i))
                            .expect(PUBACK);
                }
            }
        }
        try (EmbeddedBroker broker = start();
                RawMqttClient member = new RawMqttClient(broker.port())) {
            assertEquals(0, member.connect("member", false, 60));
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                RawMqttClient.Packet publish = member.expect(PUBLISH);
                got.add(payload(publish));
                member.send(RawMqttClient.ackPacket(PUBACK, packetId(publish)));
            }
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), got, "the group's queue, in order");
            member.send(RawMqttClient.disconnect());
            assertTrue(member.isClosedByServer());
        }
        try (EmbeddedBroker broker = start();
                RawMqttClient member = new RawMqttClient(broker.port(), 500)) {
            assertEquals(0, member.connect("member", false, 60));
            assertTrue(member.isSilent(), "what the member acknowledged is not kept");
        }
    }
}
