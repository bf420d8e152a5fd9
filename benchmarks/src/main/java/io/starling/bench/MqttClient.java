package io.starling.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * The client side of one MQTT 3.1.1 or 5.0 connection: CONNECT, SUBSCRIBE, and the QoS 1/2 flows in
 * both directions. What the connection is for (publishing, counting) is its {@link Listener}'s
 * job. Runs on the channel's event loop, like every callback of the listener.
 */
final class MqttClient extends ChannelInboundHandlerAdapter {

    /** What a benchmark role hears from its connection. */
    interface Listener {
        /** An application message arrived (a QoS 2 one once, even if the broker re-sends it before PUBREL). */
        default void onMessage(ByteBuf payload) {}

        /** PUBACK (QoS 1) or PUBCOMP (QoS 2) for a message this client published. */
        default void onPublished(int packetId) {}

        /** The connection can take more writes again. */
        default void onWritable() {}
    }

    private static final int SUBSCRIBE_PACKET_ID = 1;

    private final String clientId;
    private final boolean cleanSession;
    /** Sent as the password with the client id as user name; null: no user name. */
    private final String password;
    /** MQTT 3.1.1 or 5.0: Netty's codec speaks what the CONNECT says from then on. */
    private final MqttVersion version;

    private final Promise<MqttClient> connected;
    private Listener listener;
    private Promise<Void> subscribed;
    private Channel channel;
    /** Inbound QoS 2 packet ids between PUBLISH and PUBREL: a re-sent PUBLISH is not a new message. */
    private final BitSet awaitingRelease = new BitSet();

    MqttClient(
            String clientId,
            boolean cleanSession,
            String password,
            MqttVersion version,
            Listener listener,
            Promise<MqttClient> connected) {
        this.clientId = clientId;
        this.version = version;
        this.cleanSession = cleanSession;
        this.password = password;
        this.listener = listener;
        this.connected = connected;
    }

    String clientId() {
        return clientId;
    }

    Channel channel() {
        return channel;
    }

    /** Replaces the listener; call it before the traffic it should hear starts. Any thread. */
    void listen(Listener newListener) {
        channel.eventLoop().execute(() -> listener = newListener);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect()
                .clientId(clientId)
                .cleanSession(cleanSession)
                .keepAlive(0)
                .protocolVersion(version);
        if (password != null) {
            connect.hasUser(true)
                    .username(clientId)
                    .hasPassword(true)
                    .password(password.getBytes(StandardCharsets.UTF_8));
        }
        channel.writeAndFlush(connect.build());
        ctx.fireChannelActive();
    }

    /** Completes when SUBACK grants the subscription (any granted QoS; a refusal fails it). */
    Promise<Void> subscribe(String filter, int qos) {
        Promise<Void> done = channel.eventLoop().newPromise();
        channel.eventLoop().execute(() -> {
            subscribed = done;
            channel.writeAndFlush(MqttMessageBuilders.subscribe()
                    .messageId(SUBSCRIBE_PACKET_ID)
                    .addSubscription(MqttQoS.valueOf(qos), filter)
                    .build());
        });
        return done;
    }

    /** Writes (does not flush) a PUBLISH; packetId is ignored at QoS 0. Event loop only. */
    void publish(String topic, int qos, int packetId, ByteBuf payload) {
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(qos), false, 0);
        channel.write(
                new MqttPublishMessage(header, new MqttPublishVariableHeader(topic, qos == 0 ? 0 : packetId), payload),
                channel.voidPromise());
    }

    /** Sends DISCONNECT and closes the connection. */
    ChannelFuture disconnect() {
        if (channel.isActive()) {
            channel.writeAndFlush(MqttMessage.DISCONNECT);
        }
        return channel.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        MqttMessage message = (MqttMessage) msg;
        try {
            if (message.decoderResult().isFailure()) {
                fail(new IllegalStateException(
                        "undecodable packet from the broker",
                        message.decoderResult().cause()));
                return;
            }
            switch (message.fixedHeader().messageType()) {
                case CONNACK -> onConnack((MqttConnAckMessage) message);
                case SUBACK -> onSuback(message);
                case PUBLISH -> onPublish((MqttPublishMessage) message);
                case PUBACK, PUBCOMP -> listener.onPublished(packetId(message));
                case PUBREC -> ack(MqttMessageType.PUBREL, packetId(message));
                case PUBREL -> {
                    awaitingRelease.clear(packetId(message));
                    ack(MqttMessageType.PUBCOMP, packetId(message));
                }
                default -> {
                    // PINGRESP and UNSUBACK need no answer.
                }
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void onConnack(MqttConnAckMessage connack) {
        MqttConnectReturnCode code = connack.variableHeader().connectReturnCode();
        if (code == MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            connected.trySuccess(this);
        } else {
            fail(new IllegalStateException("CONNACK " + code + " for " + clientId));
        }
    }

    private void onSuback(MqttMessage suback) {
        int granted = ((MqttSubAckPayload) suback.payload()).reasonCodes().get(0);
        if (granted <= 2) {
            subscribed.trySuccess(null);
        } else {
            subscribed.tryFailure(new IllegalStateException("subscription of " + clientId + " refused"));
        }
    }

    private void onPublish(MqttPublishMessage publish) {
        int qos = publish.fixedHeader().qosLevel().value();
        int packetId = publish.variableHeader().packetId();
        if (qos == 2) {
            boolean first = !awaitingRelease.get(packetId);
            awaitingRelease.set(packetId);
            if (first) {
                listener.onMessage(publish.payload());
            }
            ack(MqttMessageType.PUBREC, packetId);
            return;
        }
        listener.onMessage(publish.payload());
        if (qos == 1) {
            ack(MqttMessageType.PUBACK, packetId);
        }
    }

    private void ack(MqttMessageType type, int packetId) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        channel.write(
                new MqttMessage(
                        new MqttFixedHeader(type, false, qos, false, 2), MqttMessageIdVariableHeader.from(packetId)),
                channel.voidPromise());
    }

    private static int packetId(MqttMessage message) {
        return ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Acks written while reading go out in one flush per read batch.
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            listener.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new IllegalStateException("connection of " + clientId + " closed"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    private void fail(Throwable cause) {
        connected.tryFailure(cause);
        if (subscribed != null) {
            subscribed.tryFailure(cause);
        }
    }
}
