package io.starling.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagePropertiesBytesTest {

    @Test
    void noPropertiesAreNoBytes() {
        assertEquals(0, MessagePropertiesBytes.encode(MessageProperties.NONE).length);
        assertEquals(MessageProperties.NONE, MessagePropertiesBytes.decode(new byte[0]));
        assertEquals(0, MessagePropertiesBytes.sizeOf(MessageProperties.NONE));
    }

    @Test
    void everyPropertyReadsBackAndUserPropertiesKeepTheirOrder() {
        MessageProperties all = new MessageProperties(
                1,
                0,
                "text/plain; charset=utf-8",
                "réponse/topic",
                new byte[] {0, -1, 7},
                List.of(
                        new MessageProperties.UserProperty("b", ""),
                        new MessageProperties.UserProperty("a", "1"),
                        new MessageProperties.UserProperty("b", "2")));
        byte[] encoded = MessagePropertiesBytes.encode(all);
        MessageProperties read = MessagePropertiesBytes.decode(encoded);
        assertEquals(1, read.payloadFormatIndicator());
        assertEquals(0, read.messageExpiryInterval(), "an expiry of 0 is kept, not taken for none");
        assertEquals(all.contentType(), read.contentType());
        assertEquals(all.responseTopic(), read.responseTopic());
        assertArrayEquals(all.correlationData(), read.correlationData());
        assertEquals(all.userProperties(), read.userProperties());
        assertTrue(MessagePropertiesBytes.sizeOf(all) >= encoded.length - 2, "the estimate is about the length");
    }

    @Test
    void absentPropertiesStayAbsent() {
        MessageProperties one =
                new MessageProperties(-1, -1, null, null, null, List.of(new MessageProperties.UserProperty("k", "v")));
        MessageProperties read = MessagePropertiesBytes.decode(MessagePropertiesBytes.encode(one));
        assertEquals(-1, read.payloadFormatIndicator());
        assertEquals(-1, read.messageExpiryInterval());
        assertNull(read.contentType());
        assertNull(read.responseTopic());
        assertNull(read.correlationData());
        assertEquals(one.userProperties(), read.userProperties());
    }

    @Test
    void damagedBytesAreRefused() {
        byte[] encoded = MessagePropertiesBytes.encode(new MessageProperties(
                0, 60, "type", null, null, List.of(new MessageProperties.UserProperty("k", "v"))));
        for (int length = 1; length < encoded.length; length++) {
            byte[] cut = Arrays.copyOf(encoded, length);
            assertThrows(IllegalArgumentException.class, () -> MessagePropertiesBytes.decode(cut), "cut at " + length);
        }
    }
}
