package io.starling.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SubscriptionOptionsTest {

    @Test
    void aQosStoredBeforeTheOptionsReadsBackAsThatQosWithoutOptions() {
        for (int qos = 0; qos <= 2; qos++) {
            assertEquals(qos, SubscriptionOptions.of(qos, false, false));
            assertEquals(qos, SubscriptionOptions.qos(qos));
            assertFalse(SubscriptionOptions.noLocal(qos));
            assertFalse(SubscriptionOptions.retainAsPublished(qos));
        }
    }

    @Test
    void theOptionsAreKeptApartFromTheQos() {
        int options = SubscriptionOptions.of(2, true, false);
        assertEquals(2, SubscriptionOptions.qos(options));
        assertTrue(SubscriptionOptions.noLocal(options));
        assertFalse(SubscriptionOptions.retainAsPublished(options));
        options = SubscriptionOptions.of(1, false, true);
        assertEquals(1, SubscriptionOptions.qos(options));
        assertFalse(SubscriptionOptions.noLocal(options));
        assertTrue(SubscriptionOptions.retainAsPublished(options));
    }

    @Test
    void theSubscriptionIdentifierTakesTheBitsAboveTheOptionsUpToTheStandardsMaximum() {
        int options = SubscriptionOptions.of(1, true, false, SubscriptionOptions.MAX_IDENTIFIER);
        assertEquals(268_435_455, SubscriptionOptions.identifier(options));
        assertEquals(1, SubscriptionOptions.qos(options));
        assertTrue(SubscriptionOptions.noLocal(options));
        assertFalse(SubscriptionOptions.retainAsPublished(options));
        assertEquals(0, SubscriptionOptions.identifier(SubscriptionOptions.of(2, true, true)));
        assertThrows(
                IllegalArgumentException.class,
                () -> SubscriptionOptions.of(0, false, false, SubscriptionOptions.MAX_IDENTIFIER + 1));
    }
}
