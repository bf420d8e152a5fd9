package io.starling.protocol;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.starling.concurrent.Stages;
import io.starling.protocol.mqtt5.ReasonCode;
import io.starling.routing.PublishRouter;
import io.starling.routing.Topics;
import io.starling.session.Session;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.StoredMessage;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QoS flows of PUBLISH packets a client sends: validation, authorization, routing, and
 * the acknowledgement (PUBACK for QoS 1, PUBREC then PUBCOMP for QoS 2) once everything the
 * message caused is durable. A QoS 2 message is routed once: a re-sent PUBLISH with the same
 * packet id before PUBREL only gets its PUBREC again.
 */
final class InboundPublishes {

    private static final Logger LOG = LoggerFactory.getLogger("io.starling.connections");

    private final ProtocolServices services;
    private final MqttConnection connection;

    InboundPublishes(ProtocolServices services, MqttConnection connection) {
        this.services = services;
        this.connection = connection;
    }

    void onPublish(Session session, InboundPublish publish) {
        if (!Topics.isValidTopicName(publish.topic())) {
            connection.violation(
                    ReasonCode.TOPIC_NAME_INVALID, "PUBLISH to invalid topic name '" + publish.topic() + "'");
            return;
        }
        session.execute(() -> route(session, publish));
    }

    private void route(Session session, InboundPublish publish) {
        if (!services.auth().canPublish(connection.identity(), publish.topic())) {
            LOG.info("Denied PUBLISH from {} to '{}': not authorized.", connection.clientId(), publish.topic());
            acknowledge(session, publish, ReasonCode.NOT_AUTHORIZED);
            return;
        }
        if (publish.qos() == 2 && !session.receiveQos2(publish.packetId())) {
            acknowledge(session, publish, ReasonCode.SUCCESS);
            return;
        }
        StoredMessage message = new StoredMessage(
                services.messageIds().next(),
                publish.topic(),
                publish.qos(),
                publish.retain(),
                publish.payload(),
                System.currentTimeMillis(),
                publish.properties());
        InboundQos2Receipt receipt = publish.qos() == 2 && session.isPersistent()
                ? new InboundQos2Receipt(session.clientId(), publish.packetId())
                : null;
        if (publish.qos() > 0 && connection.isMqtt5()) {
            services.router()
                    .publishWithinQuota(message, receipt, connection.readPause())
                    .whenComplete((outcome, failure) ->
                            session.execute(() -> acknowledgeWhenDurable(session, publish, outcome, failure)));
            return;
        }
        CompletionStage<Void> durable = services.router().publish(message, receipt, connection.readPause());
        if (publish.qos() == 0) {
            // Nothing to acknowledge: no hop back to the session, only a failure to report.
            durable.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.error(
                            "QoS 0 message from {} to '{}' could not be stored: {}",
                            connection.clientId(),
                            publish.topic(),
                            failure.toString());
                }
            });
            return;
        }
        durable.whenComplete((ignored, failure) ->
                session.execute(() -> acknowledgeWhenDurable(session, publish, PublishRouter.Outcome.ROUTED, failure)));
    }

    /**
     * Acknowledges a routed QoS 1/2 message: success, or 0x97 when no subscriber could store it (MQTT 5,
     * which also ends a QoS 2 exchange: its packet id is free again); a store failure closes the connection.
     */
    private void acknowledgeWhenDurable(
            Session session, InboundPublish publish, PublishRouter.Outcome outcome, Throwable failure) {
        if (failure != null) {
            LOG.error(
                    "Message from {} to '{}' could not be stored and is not acknowledged: {}",
                    connection.clientId(),
                    publish.topic(),
                    failure.toString());
            if (publish.qos() == 2) {
                session.releaseQos2(publish.packetId());
            }
            connection.close(ReasonCode.UNSPECIFIED_ERROR, "store failure");
            return;
        }
        if (outcome == PublishRouter.Outcome.QUOTA_EXCEEDED) {
            if (publish.qos() == 2) {
                refuseQos2(session, publish);
            } else {
                acknowledge(session, publish, ReasonCode.QUOTA_EXCEEDED);
            }
            return;
        }
        acknowledge(session, publish, ReasonCode.SUCCESS);
    }

    /**
     * PUBREC 0x97 ends the QoS 2 exchange: its packet id is free again. A refusal decided after
     * the other nodes answered came after the receipt was stored with the message (here and in
     * the cluster's record), so the receipt is released first: kept, it would make the client's
     * next message with this packet id look like a repeat of this one, never routed.
     */
    private void refuseQos2(Session session, InboundPublish publish) {
        session.releaseQos2(publish.packetId());
        releaseStoredQos2(session, publish.packetId())
                .whenComplete((ignored, failure) -> session.execute(() -> {
                    if (failure != null) {
                        LOG.error(
                                "Could not release QoS 2 packet id {} of {}, refused with Quota exceeded: {}",
                                publish.packetId(),
                                connection.clientId(),
                                failure.toString());
                        connection.close(ReasonCode.UNSPECIFIED_ERROR, "store failure");
                        return;
                    }
                    acknowledge(session, publish, ReasonCode.QUOTA_EXCEEDED);
                }));
    }

    /** Forgets a persistent session's inbound QoS 2 packet id in the store and the cluster. */
    private CompletionStage<Void> releaseStoredQos2(Session session, int packetId) {
        if (!session.isPersistent()) {
            return Stages.DONE;
        }
        CompletionStage<Void> released = services.queues().releaseInboundQos2(session.clientId(), packetId);
        services.cluster().inboundQos2Released(session.clientId(), packetId);
        return released;
    }

    /** PUBACK or PUBREC; MQTT 5 clients learn {@code code}, 3.1.1 ones are acknowledged either way. */
    private void acknowledge(Session session, InboundPublish publish, ReasonCode code) {
        if (publish.qos() == 0 || !session.isAttachedTo(connection)) {
            return;
        }
        MqttMessageType type = publish.qos() == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC;
        connection.sendAck(type, publish.packetId(), code);
    }

    void onPubrel(Session session, int packetId) {
        session.execute(() -> {
            boolean known = session.releaseQos2(packetId);
            CompletionStage<Void> durable = known ? releaseStoredQos2(session, packetId) : Stages.DONE;
            durable.whenComplete((ignored, failure) -> session.execute(() -> {
                if (session.isAttachedTo(connection)) {
                    connection.sendAck(
                            MqttMessageType.PUBCOMP,
                            packetId,
                            known ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
                }
            }));
        });
    }
}
