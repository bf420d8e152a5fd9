package io.starling.protocol;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.starling.concurrent.Stages;
import io.starling.protocol.mqtt5.PropertyId;
import io.starling.protocol.mqtt5.ReasonCode;
import io.starling.routing.SharedFilter;
import io.starling.routing.Topics;
import io.starling.session.Session;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.StoredMessage;
import io.starling.spi.SubscriptionOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUBSCRIBE and UNSUBSCRIBE: a return code per filter (0x80 for an invalid or refused one, a
 * shared subscription {@code $share/{group}/{filter}} included, whose filter the authorizer is asked about,
 * without failing the others; MQTT 5: 0x8F topic filter invalid, 0x87 not authorized, and per
 * filter of an UNSUBSCRIBE 0x00 or 0x11 no subscription existed), SUBACK / UNSUBACK once the change is durable, then the
 * retained messages matching each granted filter (again on every re-subscription, unless an
 * MQTT 5 client's Retain Handling says otherwise). The MQTT 5 options No Local and Retain As
 * Published and the Subscription Identifier are kept with the subscription ({@link SubscriptionOptions}).
 */
final class SubscriptionRequests {

    private static final Logger LOG = LoggerFactory.getLogger("io.starling.connections");
    private static final int FAILURE = 0x80;

    private final ProtocolServices services;
    private final MqttConnection connection;

    SubscriptionRequests(ProtocolServices services, MqttConnection connection) {
        this.services = services;
        this.connection = connection;
    }

    /** A granted filter and whether its retained messages are sent now (Retain Handling). */
    private record Granted(String filter, int qos, boolean sendRetained) {}

    void onSubscribe(Session session, MqttSubscribeMessage subscribe) {
        List<MqttTopicSubscription> requested = subscribe.payload().topicSubscriptions();
        if (requested.isEmpty()) {
            connection.violation("SUBSCRIBE without topic filters");
            return;
        }
        boolean mqtt5 = connection.isMqtt5();
        int identifier = mqtt5 ? subscriptionIdentifier(subscribe) : 0;
        int packetId = subscribe.variableHeader().messageId();
        session.execute(() -> {
            List<Integer> codes = new ArrayList<>(requested.size());
            List<Granted> granted = new ArrayList<>();
            CompletionStage<Void> durable = Stages.DONE;
            for (MqttTopicSubscription subscription : requested) {
                String filter = subscription.topicName();
                int qos = subscription.qualityOfService().value();
                SharedFilter shared = SharedFilter.parse(filter);
                boolean isShared = SharedFilter.isShared(filter);
                if (isShared ? shared == null : !Topics.isValidFilter(filter)) {
                    LOG.info("Invalid topic filter '{}' from {}: SUBACK 0x80.", filter, connection.clientId());
                    codes.add(mqtt5 ? ReasonCode.TOPIC_FILTER_INVALID.value() : FAILURE);
                } else if (!services.auth().canSubscribe(connection.identity(), isShared ? shared.filter() : filter)) {
                    LOG.info("Denied SUBSCRIBE from {} to '{}': not authorized.", connection.clientId(), filter);
                    codes.add(mqtt5 ? ReasonCode.NOT_AUTHORIZED.value() : FAILURE);
                } else {
                    MqttSubscriptionOption option = subscription.option();
                    boolean isNew = !session.subscriptions().containsKey(filter);
                    // 3.1.1 has no options: Netty's defaults (all off, Retain Handling 0) apply.
                    int options =
                            SubscriptionOptions.of(qos, option.isNoLocal(), option.isRetainAsPublished(), identifier);
                    durable = Stages.both(durable, services.subscriptions().add(session, filter, options));
                    codes.add(qos);
                    // No retained messages on a shared subscription (MQTT 5.0 section 4.8.2).
                    granted.add(new Granted(filter, qos, !isShared && sendsRetained(option.retainHandling(), isNew)));
                }
            }
            durable.whenComplete((ignored, failure) -> session.execute(() -> {
                if (!session.isAttachedTo(connection)) {
                    return;
                }
                if (failure != null) {
                    LOG.error("Subscriptions of {} could not be stored: {}", connection.clientId(), failure.toString());
                    connection.close(ReasonCode.UNSPECIFIED_ERROR, "store failure");
                    return;
                }
                connection.send(Packets.suback(packetId, codes));
                for (Granted grant : granted) {
                    if (!grant.sendRetained()) {
                        continue;
                    }
                    services.retained()
                            .match(
                                    grant.filter(),
                                    retained ->
                                            deliverRetained(session, retained, Math.min(retained.qos(), grant.qos())));
                }
            }));
        });
    }

    /**
     * The SUBSCRIBE's Subscription Identifier, 0 for none: kept with each of its subscriptions
     * [MQTT-3.8.2-1]; a re-subscription without one removes the old one. Netty's decoder and
     * {@code Mqtt5PacketCheck} have refused 0, a second one and values above the maximum.
     */
    private static int subscriptionIdentifier(MqttSubscribeMessage subscribe) {
        MqttProperties.MqttProperty<?> property = subscribe
                .idAndPropertiesVariableHeader()
                .properties()
                .getProperty(PropertyId.SUBSCRIPTION_IDENTIFIER.id());
        return property == null ? 0 : (Integer) property.value();
    }

    /**
     * Retain Handling: 0 sends the retained messages at every SUBSCRIBE [MQTT-3.3.1-9], 1 only
     * when the subscription is new [MQTT-3.3.1-10], 2 never [MQTT-3.3.1-11].
     */
    private static boolean sendsRetained(MqttSubscriptionOption.RetainedHandlingPolicy handling, boolean isNew) {
        return switch (handling) {
            case SEND_AT_SUBSCRIBE -> true;
            case SEND_AT_SUBSCRIBE_IF_NOT_YET_EXISTS -> isNew;
            case DONT_SEND_AT_SUBSCRIBE -> false;
        };
    }

    /**
     * Sends a retained message to a new subscription. For a persistent session a QoS 1/2 copy
     * is stored like any queued message (under a new id: the session may hold the original
     * already), so an unacknowledged one survives a restart.
     */
    private void deliverRetained(Session session, StoredMessage retained, int qos) {
        // Not pausable: there is no publisher to stop, and the retained message itself stays.
        if (qos == 0 || !session.isPersistent()) {
            session.deliver(retained, qos, false, false);
            return;
        }
        StoredMessage copy = new StoredMessage(
                services.messageIds().next(),
                retained.topic(),
                retained.qos(),
                true,
                retained.payload(),
                retained.timestamp(),
                retained.properties());
        services.queues().append(copy, List.of(new DeliveryTarget(session.clientId(), qos, true)), null);
        session.deliver(copy, qos, true, false);
    }

    void onUnsubscribe(Session session, MqttUnsubscribeMessage unsubscribe) {
        List<String> filters = unsubscribe.payload().topics();
        if (filters.isEmpty()) {
            connection.violation("UNSUBSCRIBE without topic filters");
            return;
        }
        int packetId = unsubscribe.variableHeader().messageId();
        session.execute(() -> {
            CompletionStage<Void> durable = Stages.DONE;
            List<ReasonCode> codes = new ArrayList<>(filters.size());
            // The same filter twice: the second finds the subscription gone (the removal is not yet applied).
            Set<String> removed = new HashSet<>();
            for (String filter : filters) {
                codes.add(
                        session.subscriptions().containsKey(filter) && removed.add(filter)
                                ? ReasonCode.SUCCESS
                                : ReasonCode.NO_SUBSCRIPTION_EXISTED);
                durable = Stages.both(durable, services.subscriptions().remove(session, filter));
            }
            durable.whenComplete((ignored, failure) -> session.execute(() -> {
                if (session.isAttachedTo(connection)) {
                    connection.send(
                            connection.isMqtt5()
                                    ? Packets.unsuback(packetId, codes)
                                    : Packets.ack(MqttMessageType.UNSUBACK, packetId));
                }
            }));
        });
    }
}
