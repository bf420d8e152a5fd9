package io.starling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Who may connect anonymously, by address (socket tests cannot leave 127.0.0.1 here). */
class AnonymousAccessTest {

    private static InetSocketAddress from(String address) {
        return new InetSocketAddress(address, 40000);
    }

    private static AnonymousAccess parse(String value) {
        return AnonymousAccess.from(ConfigFactory.parseString("key = " + value), "key");
    }

    @Test
    void loopbackAdmitsOnlyThisMachine() {
        assertTrue(AnonymousAccess.LOOPBACK.allows(from("127.0.0.1")));
        assertTrue(AnonymousAccess.LOOPBACK.allows(from("127.8.9.10")));
        assertTrue(AnonymousAccess.LOOPBACK.allows(from("::1")));
        assertFalse(AnonymousAccess.LOOPBACK.allows(from("10.1.2.3")));
        assertFalse(AnonymousAccess.LOOPBACK.allows(from("::ffff:192.168.1.5")));
        assertFalse(AnonymousAccess.LOOPBACK.allows(null), "no address known: not loopback");
        assertTrue(AnonymousAccess.ANY_ADDRESS.allows(from("10.1.2.3")));
        assertFalse(AnonymousAccess.NONE.allows(from("127.0.0.1")));
    }

    @Test
    void theSettingTakesTrueLoopbackOrFalse() {
        assertEquals(AnonymousAccess.ANY_ADDRESS, parse("true"));
        assertEquals(AnonymousAccess.LOOPBACK, parse("loopback"));
        assertEquals(AnonymousAccess.NONE, parse("false"));
        assertTrue(assertThrows(ConfigException.BadValue.class, () -> parse("maybe"))
                .getMessage()
                .contains("'key': must be true, loopback or false, was 'maybe'"));
    }
}
