package io.starling.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.protocol.mqtt5.Mqtt5Violation;
import io.starling.protocol.mqtt5.PacketType;
import io.starling.protocol.mqtt5.PropertyId;
import io.starling.protocol.mqtt5.PublishProperties;
import io.starling.protocol.mqtt5.ReasonCode;
import io.starling.protocol.mqtt5.VariableByteInteger;
import io.starling.protocol.wire.MalformedPacketException;
import io.starling.routing.Topics;
import io.starling.session.ClientLink;
import io.starling.session.ConnectionDetails;
import io.starling.session.Session;
import io.starling.spi.AuthResult;
import io.starling.spi.AuthStep;
import io.starling.spi.ClientIdentity;
import io.starling.spi.MessageProperties;
import io.starling.spi.StoredMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the MQTT state machine from the first byte to the close. It
 * enforces CONNECT-first, the connect timeout, keep alive and the one-CONNECT rule,
 * authenticates, attaches the session, hands packets to the flows that handle them, and
 * publishes the will when the connection ends without DISCONNECT. It is also the session's
 * {@link ClientLink}: what the session sends goes out through it, encoded here by Netty's
 * (stateless, sharable) {@code MqttEncoder} rather than by an encoder of its own in the
 * pipeline, which cost a pipeline context (56 bytes) per connection and a hop per packet.
 */
public final class MqttConnection extends ChannelDuplexHandler implements ClientLink {

    private static final Logger LOG = LoggerFactory.getLogger("io.starling.connections");
    private static final int[] NO_IDENTIFIERS = new int[0];
    /** Netty's MQTT codec keeps the protocol version of the channel under this key. */
    private static final AttributeKey<MqttVersion> CODEC_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    /** Where the connection is in its life; the last five say how it ended. */
    private enum State {
        /** Open, no CONNECT read yet (the connect timeout runs). */
        AWAIT_CONNECT,
        /** CONNECT read, its {@link ConnectHandshake} runs: nothing more is read until CONNACK. */
        CONNECTING,
        CONNECTED,
        /** A CONNACK refusing the client was sent (and logged); the connection closes. */
        REFUSED,
        /** The client sent DISCONNECT: its will is discarded. */
        DISCONNECTED,
        /** An MQTT 5 client sent DISCONNECT with reason 0x04: its will is published. */
        DISCONNECTED_WITH_WILL,
        /** The client (or the network) closed the socket without DISCONNECT. */
        CLOSED_BY_CLIENT,
        /** The broker closed it for {@link #closeReason}: a protocol error, keep alive, a slow consumer, ... */
        CLOSED_BY_BROKER,
        /** A newer connection with the same client id took the session over. */
        TAKEN_OVER;

        boolean isOpen() {
            return this == AWAIT_CONNECT || this == CONNECTING || this == CONNECTED;
        }
    }

    private final ProtocolServices services;
    /** The PUBLISH and SUBSCRIBE flows, each created by its first packet: an idle client needs neither. */
    private InboundPublishes publishes;

    private SubscriptionRequests subscriptionRequests;
    private Channel channel;
    private State state = State.AWAIT_CONNECT;
    /** The CONNECT phase while {@link State#CONNECTING}, else null. */
    private ConnectHandshake handshake;
    /** Before CONNECT the connect timeout; once connected the next keep-alive check, if the client asked for one. */
    private ScheduledFuture<?> timer;
    /**
     * One and a half times the client's keep alive, in nanoseconds (0: none), and when its last
     * packet was read ({@link System#nanoTime}). Checked here rather than by an
     * IdleStateHandler in the pipeline, which with its pipeline context cost about 200 bytes of
     * every connection with keep alive.
     */
    private long keepAliveNanos;

    private long lastPacketNanos;
    /** When the CONNACK was sent (epoch milliseconds), for the admin API. */
    private long connectedAtMillis;
    /** Whether a packet was read since the last {@link #channelReadComplete}. */
    private boolean packetRead;

    /** Who the client is, from its CONNECT on. */
    private ClientIdentity identity;
    /** The client's session, set when it is connected (so never set on a connection refused or closed before). */
    private Session session;
    /** Set with the session: stops reading this client while queues it publishes to are full. */
    private ReadPause readPause;

    /** The will of a connected client, published when the connection ends without DISCONNECT. */
    private StoredMessage will;
    /** An MQTT 5 will's delay: published this long after the connection ends, unless the client returns. */
    private long willDelaySeconds;
    /** The will handed to the cluster while connected (it publishes it if this node is lost). */
    private StoredMessage registeredWill;
    /** Taken over by a connection that started a new session (Clean Start): the old one ended, its will is due. */
    private boolean takenOverByNewSession;
    /** Why the broker closed the connection ({@link State#CLOSED_BY_BROKER}, {@link State#TAKEN_OVER}). */
    private String closeReason;

    /** What an MQTT 5 client asked for in CONNECT; null on MQTT 3.1/3.1.1 connections. */
    private Mqtt5Client mqtt5;
    /** The enhanced authentication of an MQTT 5 client whose CONNECT named a method; else null. */
    private EnhancedAuthentication authentication;
    /** The topics of the aliases an MQTT 5 client set up (index: alias); created by the first. */
    private String[] topicAliases;
    /** The Topic Aliases this connection sends to an MQTT 5 client; set with {@link #mqtt5}. */
    private OutboundTopicAliases outboundAliases;
    /**
     * The packet ids of an MQTT 5 client's QoS 1/2 PUBLISHes not yet fully acknowledged (PUBACK,
     * or PUBCOMP for QoS 2): more than the broker's Receive Maximum disconnects it with 0x93.
     * Null until its first QoS 1/2 PUBLISH (most connections never send one).
     */
    private Set<Integer> inboundUnacknowledged;

    public MqttConnection(ProtocolServices services) {
        this.services = services;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        long timeoutMillis = services.config().connectTimeout().toMillis();
        timer = ctx.executor()
                .schedule(
                        () -> {
                            if (state == State.AWAIT_CONNECT) {
                                close(ReasonCode.MAXIMUM_CONNECT_TIME, "no CONNECT within " + timeoutMillis + " ms");
                            }
                        },
                        timeoutMillis,
                        TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        packetRead = true;
        MqttMessage message = (MqttMessage) msg;
        if (state == State.CONNECTING
                && authentication == null
                && message.decoderResult().isSuccess()
                && message.fixedHeader().messageType() != MqttMessageType.CONNECT) {
            handshake.onEarlyPacket(message);
            return;
        }
        readAndRelease(message);
    }

    private void readAndRelease(MqttMessage message) {
        try {
            read(message);
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void read(MqttMessage message) {
        if (!state.isOpen()) {
            return;
        }
        if (message.decoderResult().isFailure()) {
            onDecoderFailure(message);
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (state == State.AWAIT_CONNECT) {
            if (type != MqttMessageType.CONNECT) {
                violation("first packet was " + type + ", not CONNECT");
                return;
            }
            onConnect((MqttConnectMessage) message);
            return;
        }
        services.packetLog().received(clientId(), message);
        if (state == State.CONNECTING && type != MqttMessageType.CONNECT && type != MqttMessageType.DISCONNECT) {
            // Only an enhanced authentication reads packets before CONNACK.
            if (type == MqttMessageType.AUTH) {
                handshake.onAuth(message);
            } else {
                // [MQTT-3.1.2-30]
                violation(type + " before CONNACK while authenticating with a method");
            }
            return;
        }
        switch (type) {
            case CONNECT -> violation("second CONNECT on one connection");
            case PUBLISH -> onPublish((MqttPublishMessage) message);
            case PUBACK -> {
                int packetId = packetId(message);
                session.execute(() -> session.onPuback(packetId));
            }
            case PUBREC -> {
                int packetId = packetId(message);
                session.execute(() -> session.onPubrec(packetId));
            }
            case PUBREL -> publishes().onPubrel(session, packetId(message));
            case AUTH -> onReauthentication(message);
            case PUBCOMP -> {
                int packetId = packetId(message);
                session.execute(() -> session.onPubcomp(packetId));
            }
            case SUBSCRIBE -> subscriptionRequests().onSubscribe(session, (MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> subscriptionRequests().onUnsubscribe(session, (MqttUnsubscribeMessage) message);
            case PINGREQ -> send(Packets.PINGRESP);
            case DISCONNECT -> onDisconnect(message);
            default -> violation(type + " may only be sent by a server");
        }
    }

    private void onPublish(MqttPublishMessage message) {
        int qos = message.fixedHeader().qosLevel().value();
        services.metrics().messageReceived(qos);
        String topic = message.variableHeader().topicName();
        MessageProperties properties = MessageProperties.NONE;
        if (mqtt5 != null) {
            if (qos > 0 && opensInboundFlow(message.variableHeader().packetId())) {
                // [MQTT-3.3.4-9]
                violation(
                        ReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
                        "more QoS 1/2 PUBLISHes unacknowledged than Receive Maximum");
                return;
            }
            topic = resolveTopicAlias(topic, message.variableHeader().properties());
            if (topic == null) {
                return;
            }
            properties = PublishProperties.read(message.variableHeader().properties());
        }
        services.metrics().topicTrees().published(topic);
        publishes().onPublish(session, InboundPublish.of(message, topic, properties));
    }

    /**
     * The topic of an MQTT 5 PUBLISH: its topic name, which also sets up its Topic Alias if it
     * has one, or the topic an earlier PUBLISH set up for the alias (section 3.3.2.3.4). Null
     * if the alias is unknown: a protocol error, the connection is closed. The alias is in
     * range: {@link io.starling.protocol.mqtt5.Mqtt5PacketCheck} checked it.
     */
    private String resolveTopicAlias(String topic, MqttProperties properties) {
        int alias = Mqtt5Client.intValue(properties, PropertyId.TOPIC_ALIAS, 0);
        if (alias == 0) {
            return topic;
        }
        if (topicAliases == null) {
            topicAliases = new String[services.config().mqtt5().topicAliasMaximum() + 1];
        }
        if (!topic.isEmpty()) {
            topicAliases[alias] = topic;
            return topic;
        }
        if (topicAliases[alias] == null) {
            violation("PUBLISH with Topic Alias " + alias + " that was never set up");
            return null;
        }
        return topicAliases[alias];
    }

    /** An AUTH of a connected client: re-authentication (section 4.12.1). */
    private void onReauthentication(MqttMessage message) {
        if (authentication == null) {
            // [MQTT-4.12.0-7]
            violation("AUTH without an Authentication Method in CONNECT");
            return;
        }
        String error = authentication.onAuth(message, true, this::onReauthenticationStep);
        if (error != null) {
            violation(error);
        }
    }

    /**
     * The auth plugin decided a step of a re-authentication: AUTH 0x00 or 0x18 to the client,
     * or DISCONNECT with the refusal's reason code (0x87 where DISCONNECT may not carry it)
     * [MQTT-4.12.1-2].
     */
    private void onReauthenticationStep(AuthStep step) {
        if (state != State.CONNECTED) {
            return;
        }
        switch (step.outcome()) {
            case SUCCESS -> {
                send(authentication.authPacket(ReasonCode.SUCCESS, step.data()));
                LOG.info("Client {} re-authenticated.", clientId());
            }
            case CONTINUE -> {
                send(authentication.authPacket(ReasonCode.CONTINUE_AUTHENTICATION, step.data()));
                awaitReauthenticationAnswer();
            }
            default -> {
                services.metrics().authRefused(step.refusal() == AuthResult.BAD_USERNAME_OR_PASSWORD);
                ReasonCode code = ConnackCodes.forRefusal(step.refusal());
                close(
                        code.allowedIn(PacketType.DISCONNECT) ? code : ReasonCode.NOT_AUTHORIZED,
                        "re-authentication refused: " + code.describe().substring(5));
                return;
            }
        }
        flush();
    }

    /**
     * A client that does not answer a re-authentication challenge within the connect timeout is
     * disconnected with 0x87, as one that does not answer at CONNECT gets CONNACK 0x87: it
     * would otherwise keep its connection on the strength of the earlier authentication.
     */
    private void awaitReauthenticationAnswer() {
        long step = authentication.stepsDecided();
        long timeoutMillis = services.config().connectTimeout().toMillis();
        channel.eventLoop()
                .schedule(
                        () -> {
                            if (state == State.CONNECTED && authentication.stillAwaits(step)) {
                                close(
                                        ReasonCode.NOT_AUTHORIZED,
                                        "no answer to the re-authentication challenge within " + timeoutMillis + " ms");
                            }
                        },
                        timeoutMillis,
                        TimeUnit.MILLISECONDS);
    }

    private void onDisconnect(MqttMessage message) {
        if (mqtt5 != null && message.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header) {
            MqttProperties.MqttProperty<?> expiry =
                    header.properties().getProperty(PropertyId.SESSION_EXPIRY_INTERVAL.id());
            if (expiry != null) {
                long seconds = Integer.toUnsignedLong((Integer) expiry.value());
                if (seconds != 0 && mqtt5.sessionEndsWithConnection()) {
                    // [MQTT-3.14.2-2]
                    violation("DISCONNECT sets a Session Expiry Interval after CONNECT set 0");
                    return;
                }
                mqtt5 = mqtt5.withSessionExpiry(seconds);
            }
            if (header.reasonCode() == ReasonCode.DISCONNECT_WITH_WILL_MESSAGE.byteValue()) {
                end(State.DISCONNECTED_WITH_WILL, null);
                channel.close();
                return;
            }
        }
        end(State.DISCONNECTED, null);
        channel.close();
    }

    private InboundPublishes publishes() {
        if (publishes == null) {
            publishes = new InboundPublishes(services, this);
        }
        return publishes;
    }

    private SubscriptionRequests subscriptionRequests() {
        if (subscriptionRequests == null) {
            subscriptionRequests = new SubscriptionRequests(services, this);
        }
        return subscriptionRequests;
    }

    private static int packetId(MqttMessage message) {
        return ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
    }

    private void onDecoderFailure(MqttMessage message) {
        Throwable cause = message.decoderResult().cause();
        if (state == State.AWAIT_CONNECT && cause instanceof MqttIdentifierRejectedException) {
            refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "client id rejected");
        } else {
            violation(
                    ReasonCode.MALFORMED_PACKET,
                    "malformed " + message.fixedHeader().messageType() + ": " + cause.getMessage());
        }
    }

    private void onConnect(MqttConnectMessage connect) {
        state = State.CONNECTING;
        timer.cancel(false);
        // Not kept for the connection's life: 64 bytes of every idle connection.
        timer = null;
        // Nothing more is read from the socket until the client is connected, so what it may
        // send before its CONNACK stays bounded by what was already read.
        channel.config().setAutoRead(false);
        handshake = new ConnectHandshake(this, services, channel);
        handshake.start(connect);
    }

    /** The CONNECT was MQTT 5: what the connection sends and checks from now on follows version 5. */
    void speakMqtt5(Mqtt5Client client) {
        mqtt5 = client;
        outboundAliases = new OutboundTopicAliases(
                Math.min(client.topicAliasMaximum(), services.config().mqtt5().topicAliasesToClient()));
    }

    /** The CONNECT named an Authentication Method: its AUTH packets go there, before CONNACK and after. */
    void authenticateWith(EnhancedAuthentication enhanced) {
        authentication = enhanced;
    }

    boolean isMqtt5() {
        return mqtt5 != null;
    }

    /** The handshake knows who the client is (before it is authenticated). */
    void identify(ClientIdentity client) {
        identity = client;
    }

    /** Whether the handshake still may finish: the connection neither closed nor was refused meanwhile. */
    boolean isConnecting() {
        return state == State.CONNECTING;
    }

    /**
     * The handshake attached the session and sent CONNACK: the client is connected, and the
     * packets it sent before its CONNACK are handled now, in order.
     */
    void connected(Session attached, StoredMessage connectWill, long willDelay, int keepAliveSeconds) {
        List<MqttMessage> earlyPackets = handshake.takeEarlyPackets();
        handshake = null;
        state = State.CONNECTED;
        session = attached;
        readPause = new ReadPause(channel, attached, services.metrics());
        will = connectWill;
        willDelaySeconds = willDelay;
        services.metrics().clientConnected();
        connectedAtMillis = System.currentTimeMillis();
        if (will != null && services.auth().canPublish(identity, will.topic())) {
            registeredWill = will;
            services.cluster().willRegistered(identity.clientId(), will);
        }
        if (keepAliveSeconds > 0) {
            keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveSeconds * 1500L);
            lastPacketNanos = System.nanoTime();
            timer = channel.eventLoop().schedule(this::checkKeepAlive, keepAliveNanos, TimeUnit.NANOSECONDS);
        }
        // The socket may have drained while the session was being attached, unseen here.
        resumeSending();
        earlyPackets.forEach(this::readAndRelease);
        flush();
        // An early PUBLISH may have met a full queue already.
        channel.config().setAutoRead(!readPause.isPaused());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        MqttEncoder.INSTANCE.write(ctx, msg, promise);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // One clock read per batch of reads, not per packet.
        if (packetRead) {
            packetRead = false;
            lastPacketNanos = System.nanoTime();
        }
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    /** Netty's write-buffer water marks: below the low one again, the session sends what waited for the socket. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session != null && channel.isWritable()) {
            resumeSending();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void resumeSending() {
        Session attached = session;
        attached.execute(() -> attached.onWritable(this));
    }

    /**
     * Closes the connection if no packet came within 1.5 keep alives (MQTT 3.1.1, 3.1.2.10),
     * else checks again when that time will have passed since the last one. While push-back
     * keeps this client's packets unread, the silence is the broker's: the client's PINGREQs
     * wait in the socket, so the time counts from the end of the pause (a pause is bounded by
     * the push-back timeout of the queues it waits for).
     */
    private void checkKeepAlive() {
        timer = null;
        if (state != State.CONNECTED) {
            return;
        }
        long now = System.nanoTime();
        if (readPause.isPaused()) {
            lastPacketNanos = now;
        }
        long silentNanos = now - lastPacketNanos;
        if (silentNanos >= keepAliveNanos) {
            close(ReasonCode.KEEP_ALIVE_TIMEOUT, "keep alive timeout exceeded");
        } else {
            timer = channel.eventLoop()
                    .schedule(this::checkKeepAlive, keepAliveNanos - silentNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!state.isOpen()) {
            return;
        }
        if (cause instanceof UnsupportedProtocolLevelException && state == State.AWAIT_CONNECT) {
            refuse(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, cause.getMessage());
        } else if (cause instanceof Mqtt5Violation mqtt5Violation) {
            if (state == State.AWAIT_CONNECT) {
                // A version-5 CONNECT the codec never parsed: answered in version 5 all the same.
                speakMqtt5(Mqtt5Client.of(MqttProperties.NO_PROPERTIES));
                channel.attr(CODEC_VERSION).set(MqttVersion.MQTT_5);
                state = State.CONNECTING;
            }
            violation(mqtt5Violation.reasonCode(), cause.getMessage());
        } else if (cause instanceof MalformedPacketException) {
            violation(ReasonCode.MALFORMED_PACKET, cause.getMessage());
        } else if (cause instanceof DecoderException) {
            // Bad bytes below MQTT: a failed TLS handshake, a broken WebSocket frame.
            close(
                    ReasonCode.MALFORMED_PACKET,
                    "bad input: " + (cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage()));
        } else if (cause instanceof IOException) {
            closeAs(State.CLOSED_BY_BROKER, null, "socket error: " + cause.getMessage());
        } else {
            LOG.error("Unexpected error on the connection of client {}", describeClient(), cause);
            close(ReasonCode.UNSPECIFIED_ERROR, "internal error");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State previous = state;
        end(State.CLOSED_BY_CLIENT, null);
        if (timer != null) {
            timer.cancel(false);
        }
        if (handshake != null) {
            handshake.abandon();
            handshake = null;
        }
        logClose(previous);
        if (session != null) {
            services.metrics().clientDisconnected();
            if (state != State.DISCONNECTED && will != null) {
                // DISCONNECTED_WITH_WILL too: the client asked for it (MQTT 5, 0x04).
                publishWillWhenDue();
            }
        }
        if (registeredWill != null) {
            services.cluster().willCleared(identity.clientId(), registeredWill);
            registeredWill = null;
        }
        ctx.fireChannelInactive();
    }

    /**
     * Ends the connection's life the way {@code how} says, once (the first way counts): a
     * connected client's session is detached at once, so that messages routed to it from now
     * on are queued for it rather than written to a dying socket.
     */
    private void end(State how, String reason) {
        if (!state.isOpen()) {
            return;
        }
        boolean wasConnected = state == State.CONNECTED;
        state = how;
        closeReason = reason;
        if (wasConnected) {
            if (mqtt5 == null) {
                services.sessions().disconnected(session, this);
            } else {
                services.sessions().disconnected(session, this, mqtt5.sessionExpiry());
            }
        }
    }

    /** One line per closed connection (a refused one was logged when refused). */
    private void logClose(State previous) {
        switch (state) {
            case DISCONNECTED -> LOG.info("Client {} disconnected.", clientId());
            case DISCONNECTED_WITH_WILL -> LOG.info("Client {} disconnected, asking for its will.", clientId());
            case CLOSED_BY_BROKER, TAKEN_OVER -> LOG.info("Client {} disconnected: {}.", describeClient(), closeReason);
            case CLOSED_BY_CLIENT -> {
                if (previous != State.AWAIT_CONNECT) {
                    LOG.info("Client {} closed its connection.", clientId());
                }
            }
            default -> {}
        }
    }

    /**
     * The will goes out when its Will Delay Interval has passed or the session ended, whichever
     * is first (section 3.1.3.2.2): at once without a delay or with a session that ends with the
     * connection.
     */
    private void publishWillWhenDue() {
        long delay = mqtt5 == null ? 0 : Math.min(willDelaySeconds, mqtt5.sessionExpiry());
        if (delay > 0 && state == State.TAKEN_OVER) {
            // A new connection to the session came before the delay passed [MQTT-3.1.3-9]; one
            // that started a new session ended this one, which publishes the will now.
            if (takenOverByNewSession) {
                services.wills().publish(identity, will);
            }
            return;
        }
        if (delay > 0) {
            services.delayedWills().schedule(identity, will, channel.eventLoop(), delay);
        } else {
            services.wills().publish(identity, will);
        }
    }

    /** A protocol error (MQTT 5: 0x82). */
    void violation(String reason) {
        violation(ReasonCode.PROTOCOL_ERROR, reason);
    }

    /**
     * A protocol violation: the connection is closed (its will is published). MQTT 5 clients
     * are told {@code code}: in CONNACK if their CONNECT was at fault [MQTT-4.13.1-1], else in
     * DISCONNECT; MQTT 3.1/3.1.1 clients get no reply.
     */
    void violation(ReasonCode code, String reason) {
        if (mqtt5 != null && state == State.CONNECTING) {
            refuse(code, "CONNECT from " + remote() + " refused: protocol error: " + reason);
        } else {
            close(code, "protocol error: " + reason);
        }
    }

    /**
     * Sends CONNACK {@code code} and closes; logs {@code reason} unless it is null. An MQTT 3.1
     * or 3.1.1 client (or one that asked for a version this broker does not speak) gets the
     * 3.1.1 return code the reason code maps to.
     */
    void refuse(ReasonCode code, String reason) {
        refuse(code, reason, MqttProperties.NO_PROPERTIES);
    }

    /** As {@link #refuse(ReasonCode, String)}, with CONNACK properties for an MQTT 5 client. */
    void refuse(ReasonCode code, String reason, MqttProperties mqtt5Properties) {
        if (reason != null) {
            LOG.info(
                    "{}: CONNACK {}.",
                    reason,
                    mqtt5 != null
                            ? code.describe()
                            : ConnackCodes.forMqtt311(code).byteValue());
        }
        end(State.REFUSED, null);
        MqttMessage connack;
        if (mqtt5 != null) {
            connack = Packets.connack(code, false, mqtt5Properties);
        } else {
            // A 3.1.1-format CONNACK even to a client that asked for another protocol version.
            channel.attr(CODEC_VERSION).set(MqttVersion.MQTT_3_1_1);
            connack = Packets.connack(ConnackCodes.forMqtt311(code), false);
        }
        channel.writeAndFlush(connack).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The broker closes the connection; a connected client's will is published. A connected
     * MQTT 5 client is told why first: DISCONNECT with {@code code} and the reason as Reason
     * String.
     */
    void close(ReasonCode code, String reason) {
        closeAs(State.CLOSED_BY_BROKER, code, reason);
    }

    private void closeAs(State how, ReasonCode code, String reason) {
        closeAs(how, code, reason, null);
    }

    private void closeAs(State how, ReasonCode code, String reason, String serverReference) {
        boolean tell = mqtt5 != null && state == State.CONNECTED && code != null;
        end(how, reason);
        if (tell) {
            MqttMessage disconnect = Packets.disconnect(code, reason, serverReference);
            services.packetLog().sending(clientId(), disconnect);
            channel.writeAndFlush(disconnect).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    /**
     * The broker is stopping: a connected MQTT 5 client is told (DISCONNECT 0x8B, server shutting
     * down) before the listener closes every connection.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ShuttingDown.INSTANCE) {
            if (state == State.CONNECTED && mqtt5 != null) {
                send(Packets.disconnect(ReasonCode.SERVER_SHUTTING_DOWN, "server shutting down", serverReference()));
                flush();
            }
            return;
        }
        if (event instanceof Redirection redirection) {
            ReasonCode code = redirection.code();
            if (state.isOpen() && code != null) {
                // MQTT 5 clients learn where to go (section 4.11); the others are closed.
                closeAs(
                        State.CLOSED_BY_BROKER,
                        code,
                        "sent to another server (" + code.describe().substring(5) + ")",
                        redirection.serverReference());
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    private String serverReference() {
        String reference = services.config().mqtt5().serverReference();
        return reference.isEmpty() ? null : reference;
    }

    /**
     * Sends the acknowledgement of a PUBLISH or PUBREL (PUBACK, PUBREC, PUBCOMP) with its
     * MQTT 5 reason code (MQTT 3.1/3.1.1: the packet id only); one that ends a QoS 1/2 flow
     * gives the client back a unit of its Receive Maximum quota.
     */
    void sendAck(MqttMessageType type, int packetId, ReasonCode code) {
        if (mqtt5 == null) {
            send(Packets.ack(type, packetId));
            return;
        }
        boolean flowEnds = type == MqttMessageType.PUBACK || type == MqttMessageType.PUBCOMP || code.isError();
        if (flowEnds && inboundUnacknowledged != null) {
            // By packet id: a PUBREL of a flow opened on an earlier connection gives back nothing.
            inboundUnacknowledged.remove(packetId);
        }
        send(Packets.ack(type, packetId, code, null));
    }

    /**
     * Counts a QoS 1/2 PUBLISH of an MQTT 5 client against the broker's Receive Maximum, by
     * packet id (a QoS 2 PUBLISH sent again before PUBREL is the same flow).
     *
     * @return whether it is one more than the Receive Maximum allows
     */
    private boolean opensInboundFlow(int packetId) {
        if (inboundUnacknowledged == null) {
            inboundUnacknowledged = new HashSet<>();
        }
        return inboundUnacknowledged.add(packetId)
                && inboundUnacknowledged.size() > services.config().mqtt5().receiveMaximum();
    }

    String clientId() {
        return identity == null ? null : identity.clientId();
    }

    ReadPause readPause() {
        return readPause;
    }

    ClientIdentity identity() {
        return identity;
    }

    private String describeClient() {
        return identity != null ? identity.clientId() : "<unknown> at " + remote();
    }

    /**
     * The client's address as host:port, [host]:port for IPv6, as InetSocketAddress.toString
     * writes it without the leading slash (stripped with a regular expression before, which
     * compiled a Pattern on every CONNECT).
     */
    String remote() {
        SocketAddress address = channel.remoteAddress();
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return address == null ? "?" : address.toString();
    }

    void send(MqttMessage message) {
        services.packetLog().sending(clientId(), message);
        channel.write(message, channel.voidPromise());
    }

    @Override
    public void sendPublish(StoredMessage message, int qos, int packetId, boolean dup) {
        services.metrics().messageSent(qos);
        if (mqtt5 == null) {
            send(Packets.publish(message, qos, packetId, dup));
            return;
        }
        long remaining = message.properties().hasExpiry()
                ? Math.max(1, message.properties().remainingSeconds(message.timestamp(), System.currentTimeMillis()))
                : 0;
        MqttProperties properties =
                PublishProperties.write(message.properties(), remaining, subscriptionIdentifiers(message));
        String topicName = message.topic();
        int alias = outboundAliases.known(topicName);
        if (alias != 0) {
            topicName = "";
        } else {
            alias = outboundAliases.setUp(topicName);
        }
        if (alias != 0) {
            if (properties == MqttProperties.NO_PROPERTIES) {
                properties = new MqttProperties();
            }
            properties.add(new MqttProperties.IntegerProperty(PropertyId.TOPIC_ALIAS.id(), alias));
        }
        send(Packets.publish(message, topicName, qos, packetId, dup, properties));
    }

    /**
     * The Subscription Identifiers of the session's subscriptions that match the message, as
     * they are when it is sent (a message queued before a re-subscription carries the new
     * identifier) [MQTT-3.3.4-3/4]; none for a 3.1.1 client.
     */
    private int[] subscriptionIdentifiers(StoredMessage message) {
        if (mqtt5 == null || session == null || !session.hasSubscriptionIdentifiers()) {
            return NO_IDENTIFIERS;
        }
        return Topics.matchingIdentifiers(session.subscriptions(), message.topic());
    }

    /**
     * A message larger than an MQTT 5 client's Maximum Packet Size is not sent to it
     * [MQTT-3.1.2-24]: a PUBLISH is its fixed header, topic, packet id, properties and payload.
     */
    @Override
    public boolean accepts(StoredMessage message, int qos) {
        if (mqtt5 == null || mqtt5.maximumPacketSize() < 0) {
            return true;
        }
        long remaining = 2L
                + message.topic().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + (qos > 0 ? 2 : 0)
                + PublishProperties.encodedLength(message.properties(), subscriptionIdentifiers(message))
                + message.payload().length;
        long size =
                1 + VariableByteInteger.encodedLength((int) Math.min(remaining, VariableByteInteger.MAX)) + remaining;
        return size <= mqtt5.maximumPacketSize();
    }

    @Override
    public void sendPubrel(int packetId) {
        send(Packets.ack(MqttMessageType.PUBREL, packetId));
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void closeAsSlowConsumer(String reason) {
        channel.eventLoop().execute(() -> {
            if (state.isOpen()) {
                close(ReasonCode.QUOTA_EXCEEDED, reason);
            }
        });
    }

    @Override
    public void closeByOperator() {
        channel.eventLoop().execute(() -> {
            if (state.isOpen()) {
                close(ReasonCode.ADMINISTRATIVE_ACTION, "disconnected by an operator (admin API)");
            }
        });
    }

    @Override
    public ConnectionDetails details() {
        MqttVersion version = channel.attr(CODEC_VERSION).get();
        return new ConnectionDetails(
                remote(),
                identity == null ? null : identity.username(),
                version == null ? 0 : version.protocolLevel(),
                // keepAliveNanos is one and a half keep alives (the limit MQTT sets), 0 for none.
                (int) (keepAliveNanos / TimeUnit.MILLISECONDS.toNanos(1500)),
                connectedAtMillis);
    }

    @Override
    public int receiveMaximum() {
        return mqtt5 == null ? Integer.MAX_VALUE : mqtt5.receiveMaximum();
    }

    @Override
    public void closeForTakeover(boolean sessionEnds) {
        channel.eventLoop().execute(() -> {
            if (state.isOpen()) {
                takenOverByNewSession = sessionEnds;
                closeAs(
                        State.TAKEN_OVER,
                        ReasonCode.SESSION_TAKEN_OVER,
                        "taken over by a new connection with the same client id");
            }
        });
    }
}
