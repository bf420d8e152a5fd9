package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LocalClaimsTest {

    /** A node stopping cleanly waits for claims in progress: their sessions are handed over too. */
    @Test
    void aClaimIsInProgressFromItsBeginToItsEnd() {
        LocalClaims claims = new LocalClaims();
        assertFalse(claims.any());
        LocalClaims.Claim first = claims.begin("a");
        LocalClaims.Claim second = claims.begin("a");
        assertTrue(claims.any());
        claims.end("a", first);
        assertTrue(claims.any(), "the second claim of the id goes on");
        claims.end("a", second);
        assertFalse(claims.any());
    }
}
