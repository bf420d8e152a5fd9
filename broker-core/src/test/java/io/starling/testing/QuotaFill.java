package io.starling.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An MQTT 5 publisher filling a topic's full subscribers: numbered QoS 1 messages
 * ({@link NumberedPayloads}), each awaiting its PUBACK, until one is answered with a reason code
 * other than success (bounded).
 *
 * @param accepted the payloads acknowledged with success, in order
 * @param reason   the reason code that ended the fill
 * @param packetId the packet id of the last message sent
 */
public record QuotaFill(List<String> accepted, int reason, int packetId) {

    /** Publishes until refused; fails once {@code most} messages were acknowledged. */
    public static QuotaFill untilRefused(RawMqttClient publisher, String topic, int size, int most) throws IOException {
        List<String> accepted = new ArrayList<>();
        for (int packetId = 1; ; packetId++) {
            assertTrue(packetId <= most, most + " messages of " + size + " bytes were all acknowledged");
            String payload = NumberedPayloads.of(packetId, size);
            publisher.send(Mqtt5Wire.publish(topic, 1, packetId, new byte[0], payload));
            int reason = Mqtt5Wire.ackReason(publisher.expect(RawMqttClient.PUBACK));
            if (reason != 0) {
                return new QuotaFill(accepted, reason, packetId);
            }
            accepted.add(payload);
        }
    }
}
