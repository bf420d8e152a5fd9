package io.starling.protocol;

import io.starling.auth.AuthChain;
import io.starling.auth.LoginThrottle;
import io.starling.config.BrokerConfig;
import io.starling.metrics.BrokerMetrics;
import io.starling.routing.MessageIds;
import io.starling.routing.PublishRouter;
import io.starling.routing.RetainedMessages;
import io.starling.routing.Subscriptions;
import io.starling.session.SessionRegistry;
import io.starling.spi.ClusterBus;
import io.starling.spi.MessageQueueStore;

/** The broker-wide services every connection uses. */
public record ProtocolServices(
        BrokerConfig config,
        SessionRegistry sessions,
        Subscriptions subscriptions,
        PublishRouter router,
        RetainedMessages retained,
        MessageQueueStore queues,
        AuthChain auth,
        LoginThrottle logins,
        MessageIds messageIds,
        PacketLog packetLog,
        BrokerMetrics metrics,
        ClusterBus cluster,
        WillPublisher wills,
        DelayedWills delayedWills,
        Redirection redirection) {}
