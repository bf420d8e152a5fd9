package io.starling.protocol;

import io.starling.auth.AuthChain;
import io.starling.routing.MessageIds;
import io.starling.routing.PublishRouter;
import io.starling.spi.ClientIdentity;
import io.starling.spi.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a client's will, if the authorizer lets the client publish on its topic: a
 * connection's at its end, a delayed one when it is due (also one stored before a restart).
 */
public final class WillPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(WillPublisher.class);

    private final AuthChain auth;
    private final PublishRouter router;
    private final MessageIds messageIds;

    public WillPublisher(AuthChain auth, PublishRouter router, MessageIds messageIds) {
        this.auth = auth;
        this.router = router;
        this.messageIds = messageIds;
    }

    /** Routes the will as a new message (a new id, received now); its stored writes are queued before this returns. */
    public void publish(ClientIdentity client, StoredMessage will) {
        String clientId = client.clientId();
        if (!auth.canPublish(client, will.topic())) {
            LOG.info("Will of client {} on '{}' not published: not authorized.", clientId, will.topic());
            return;
        }
        StoredMessage message = new StoredMessage(
                messageIds.next(),
                will.topic(),
                will.qos(),
                will.retain(),
                will.payload(),
                System.currentTimeMillis(),
                will.properties());
        router.publish(message, null).whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.error("Will of client {} could not be stored: {}", clientId, failure.toString());
            }
        });
    }
}
