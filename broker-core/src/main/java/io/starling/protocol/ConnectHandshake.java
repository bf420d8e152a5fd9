package io.starling.protocol;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.config.Mqtt5Settings;
import io.starling.metrics.ThrottledLog;
import io.starling.protocol.mqtt5.PropertyId;
import io.starling.protocol.mqtt5.PublishProperties;
import io.starling.protocol.mqtt5.ReasonCode;
import io.starling.spi.AuthResult;
import io.starling.spi.AuthStep;
import io.starling.spi.ClientIdentity;
import io.starling.spi.ClusterUnavailableException;
import io.starling.spi.ConnectInfo;
import io.starling.spi.MessageProperties;
import io.starling.spi.SessionExpiry;
import io.starling.spi.StoredMessage;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CONNECT phase of one connection, from its CONNECT to its CONNACK: the CONNECT rules,
 * authentication, attaching the session (which takes it over from an older connection or
 * another node), and the packets the client sends before its CONNACK, held until it is
 * connected. The connection drops it once connected or closed, so a connected client does
 * not carry what only the handshake needed.
 *
 * <p>Every step checks that the connection still waits for this handshake, since the
 * connection may close while authentication or the session's set-up runs. A protocol version
 * with more to say before CONNACK (MQTT 5: CONNECT properties, AUTH exchanges) extends the
 * steps here: what it reads is parsed in {@link #start}, its packets before CONNACK arrive in
 * {@link #onEarlyPacket}, and its CONNACK is written by {@link #accepted}.
 */
final class ConnectHandshake {

    private static final Logger LOG = LoggerFactory.getLogger("io.starling.connections");
    /** Clients retry at once when refused for this, so they are counted, not each logged. */
    private static final ThrottledLog UNAVAILABLE = new ThrottledLog(LOG, Duration.ofSeconds(10));

    private final MqttConnection connection;
    private final ProtocolServices services;
    private final Channel channel;
    /** Packets the client sent after CONNECT, before its CONNACK. Null while there are none. */
    private List<MqttMessage> early;

    private ClientIdentity identity;
    private boolean cleanSession;
    /** The keep alive the client asked for, lowered to the broker's maximum for MQTT 5 clients. */
    private int keepAliveSeconds;
    /** Whether the client's keep alive was changed (MQTT 5: sent back as Server Keep Alive). */
    private boolean keepAliveChanged;
    /** Whether the client sent no id and got one from the broker. */
    private boolean idAssigned;
    /** What an MQTT 5 client asked for; null for MQTT 3.1/3.1.1. */
    private Mqtt5Client mqtt5;

    /** Whether an MQTT 5 client asked for Response Information in CONNACK. */
    private boolean requestResponseInformation;

    private StoredMessage will;
    /** An MQTT 5 will's Will Delay Interval in seconds (0: none). */
    private long willDelaySeconds;
    /** The MQTT 5 enhanced authentication, when the CONNECT named an Authentication Method; else null. */
    private EnhancedAuthentication authentication;
    /** The Authentication Data of the plugin's success, sent with CONNACK; may be null. */
    private byte[] authenticationData;
    /** While the client's answer to a challenge is awaited: the connect timeout for it. */
    private ScheduledFuture<?> authTimeout;
    /** The line logged once the client is connected. */
    private String description;

    ConnectHandshake(MqttConnection connection, ProtocolServices services, Channel channel) {
        this.connection = connection;
        this.services = services;
        this.channel = channel;
    }

    /** Checks the CONNECT and authenticates it; refuses or closes the connection when it fails. */
    void start(MqttConnectMessage connect) {
        if (connect.variableHeader().version() == 5) {
            mqtt5 = Mqtt5Client.of(connect.variableHeader().properties());
            connection.speakMqtt5(mqtt5);
            requestResponseInformation = Mqtt5Client.intValue(
                            connect.variableHeader().properties(), PropertyId.REQUEST_RESPONSE_INFORMATION, 0)
                    == 1;
        }
        ConnectCheck check = ConnectCheck.of(connect, services.config().maxClientIdLength());
        String requestedId = connect.payload().clientIdentifier();
        if (check.violation() != null) {
            connection.violation(ReasonCode.PROTOCOL_ERROR, "CONNECT with " + check.violation());
            return;
        }
        if (check.refusal() != null) {
            connection.refuse(
                    check.refusal(),
                    "CONNECT from " + channel.remoteAddress() + " refused with client id '" + requestedId + "'");
            return;
        }
        ReasonCode redirected = services.redirection().code();
        if (redirected != null) {
            MqttProperties reference = new MqttProperties();
            if (services.redirection().serverReference() != null) {
                reference.add(new MqttProperties.StringProperty(
                        PropertyId.SERVER_REFERENCE.id(), services.redirection().serverReference()));
            }
            connection.refuse(
                    redirected,
                    "CONNECT from " + channel.remoteAddress() + " sent to another server (client id '" + requestedId
                            + "')",
                    reference);
            return;
        }
        cleanSession = connect.variableHeader().isCleanSession();
        idAssigned = requestedId.isEmpty();
        String clientId = idAssigned ? "auto-" + UUID.randomUUID() : requestedId;
        String username = connect.payload().userName();
        identity = new ClientIdentity(clientId, username);
        connection.identify(identity);
        if (connect.variableHeader().isWillFlag()) {
            will = new StoredMessage(
                    0,
                    connect.payload().willTopic(),
                    connect.variableHeader().willQos(),
                    connect.variableHeader().isWillRetain(),
                    connect.payload().willMessageInBytes(),
                    0,
                    mqtt5 == null
                            ? MessageProperties.NONE
                            : PublishProperties.read(connect.payload().willProperties()));
            if (mqtt5 != null) {
                willDelaySeconds = Integer.toUnsignedLong(
                        Mqtt5Client.intValue(connect.payload().willProperties(), PropertyId.WILL_DELAY_INTERVAL, 0));
            }
        }
        keepAliveSeconds = connect.variableHeader().keepAliveTimeSeconds();
        int maxKeepAlive = services.config().mqtt5().maxKeepAlive();
        if (mqtt5 != null && maxKeepAlive > 0 && (keepAliveSeconds == 0 || keepAliveSeconds > maxKeepAlive)) {
            // [MQTT-3.2.2-21]: the client must use the Server Keep Alive it is sent.
            keepAliveSeconds = maxKeepAlive;
            keepAliveChanged = true;
        }
        int level = connect.variableHeader().version();
        description = "New client connected from " + connection.remote() + " as " + clientId + " (p" + (level - 2)
                + ", c" + (cleanSession ? 1 : 0) + ", k" + keepAliveSeconds
                + (username == null ? "" : ", u'" + username + "'") + ").";
        ConnectInfo info = new ConnectInfo(
                clientId,
                username,
                connect.payload().passwordInBytes(),
                channel.remoteAddress(),
                level,
                tlsClientSubject());
        String method = mqtt5 == null
                ? null
                : EnhancedAuthentication.methodOf(connect.variableHeader().properties());
        if (method != null) {
            authentication = new EnhancedAuthentication(services.auth(), channel.eventLoop(), info, method);
            connection.authenticateWith(authentication);
            byte[] data = EnhancedAuthentication.dataOf(connect.variableHeader().properties());
            // The failed-login limits hold a guesser back before any plugin is asked, as for passwords.
            services.logins()
                    .admit(info)
                    .whenComplete((admitted, failure) -> channel.eventLoop().execute(() -> {
                        if (!connection.isConnecting()) {
                            return;
                        }
                        if (failure != null || !admitted) {
                            refuseLogin(AuthResult.NOT_AUTHORIZED, failure == null);
                            return;
                        }
                        authentication.begin(data, this::onAuthenticationStep);
                    }));
            return;
        }
        services.logins()
                .authenticate(info)
                .whenComplete((verdict, failure) -> channel.eventLoop().execute(() -> {
                    if (!connection.isConnecting()) {
                        return;
                    }
                    AuthResult result = verdict == null ? null : verdict.result();
                    if (failure != null || result != AuthResult.ACCEPT) {
                        refuseLogin(result, verdict != null && verdict.heldBack());
                        return;
                    }
                    attach();
                }));
    }

    /**
     * The auth plugin decided a step of the CONNECT's enhanced authentication: CONNACK 0 once
     * the session is attached, AUTH 0x18 with its challenge [MQTT-4.12.0-2], or a refusal
     * [MQTT-4.12.0-4] (0x8C when no plugin knows the method [MQTT-4.12.0-1]).
     */
    private void onAuthenticationStep(AuthStep step) {
        if (!connection.isConnecting()) {
            return;
        }
        switch (step.outcome()) {
            case SUCCESS -> {
                services.logins().decided(authentication.connectInfo(), AuthResult.ACCEPT);
                authenticationData = step.data();
                attach();
            }
            case CONTINUE -> {
                connection.send(authentication.authPacket(ReasonCode.CONTINUE_AUTHENTICATION, step.data()));
                connection.flush();
                awaitClientAuth();
            }
            default -> {
                services.logins().decided(authentication.connectInfo(), step.refusal());
                refuseLogin(step.refusal(), false);
            }
        }
    }

    /** Reads the client's answer to the challenge, within the connect timeout. */
    private void awaitClientAuth() {
        long timeoutMillis = services.config().connectTimeout().toMillis();
        authTimeout = channel.eventLoop()
                .schedule(
                        () -> {
                            if (connection.isConnecting() && authentication.awaitsClient()) {
                                connection.refuse(
                                        ReasonCode.NOT_AUTHORIZED,
                                        "client " + identity.clientId() + " from " + connection.remote()
                                                + " did not answer its authentication challenge within "
                                                + timeoutMillis + " ms");
                            }
                        },
                        timeoutMillis,
                        TimeUnit.MILLISECONDS);
        channel.config().setAutoRead(true);
    }

    /**
     * An AUTH packet of a client authenticating with a method, before its CONNACK: the answer
     * to the challenge, or a protocol error.
     */
    void onAuth(MqttMessage auth) {
        channel.config().setAutoRead(false);
        if (authTimeout != null) {
            authTimeout.cancel(false);
            authTimeout = null;
        }
        String error = authentication.onAuth(auth, false, this::onAuthenticationStep);
        if (error != null) {
            connection.violation(error);
        }
    }

    /** @param result the auth chain's answer, null if it failed (then: not authorized) */
    private void refuseLogin(AuthResult result, boolean heldBack) {
        boolean badCredentials = result == AuthResult.BAD_USERNAME_OR_PASSWORD;
        services.metrics().authRefused(badCredentials);
        ReasonCode code = ConnackCodes.forRefusal(result);
        // A CONNECT held back after failed logins was logged with the others held back.
        connection.refuse(
                code,
                heldBack
                        ? null
                        : "client " + identity.clientId() + " from " + connection.remote() + " refused: "
                                + code.describe().substring(5));
    }

    /** The subject of the client's TLS certificate, if the connection is TLS and it sent one. */
    private String tlsClientSubject() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate certificate
                    ? certificate.getSubjectX500Principal().getName()
                    : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private void attach() {
        String clientId = identity.clientId();
        long sessionExpiry = mqtt5 == null ? (cleanSession ? 0 : SessionExpiry.NEVER_SECONDS) : mqtt5.sessionExpiry();
        services.sessions()
                .connect(clientId, cleanSession, sessionExpiry, connection, channel.eventLoop(), this::accepted)
                .whenComplete((attached, failure) -> channel.eventLoop().execute(() -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        if (cause instanceof ClusterUnavailableException && connection.isConnecting()) {
                            UNAVAILABLE.event("{} CONNECT(s) refused: {}.", cause.getMessage());
                            connection.refuse(ReasonCode.SERVER_UNAVAILABLE, null);
                        } else if (!(cause instanceof CancellationException) && connection.isConnecting()) {
                            LOG.error(
                                    "Could not set up the session of client {} (store or cluster): {}",
                                    clientId,
                                    cause.toString());
                            connection.refuse(ReasonCode.SERVER_UNAVAILABLE, "session could not be set up");
                        }
                        return;
                    }
                    if (!connection.isConnecting()) {
                        // The connection closed while the session was being attached.
                        services.sessions().disconnected(attached, connection);
                        return;
                    }
                    services.delayedWills().connected(clientId, !cleanSession);
                    connection.connected(attached, will, willDelaySeconds, keepAliveSeconds);
                }));
    }

    /** The session took the client: CONNACK, on the session's thread before anything else it sends. */
    private void accepted(int sessionPresent) {
        connection.send(
                mqtt5 == null
                        ? Packets.connack(MqttConnectReturnCode.CONNECTION_ACCEPTED, sessionPresent == 1)
                        : Packets.connack(ReasonCode.SUCCESS, sessionPresent == 1, connackProperties()));
        LOG.info(description);
    }

    /** What the broker tells an MQTT 5 client it accepts (section 3.2.2.3). */
    private MqttProperties connackProperties() {
        Mqtt5Settings settings = services.config().mqtt5();
        MqttProperties properties = new MqttProperties();
        integer(properties, PropertyId.RECEIVE_MAXIMUM, settings.receiveMaximum());
        integer(properties, PropertyId.MAXIMUM_PACKET_SIZE, services.config().maxPacketSize());
        integer(properties, PropertyId.TOPIC_ALIAS_MAXIMUM, settings.topicAliasMaximum());
        integer(properties, PropertyId.RETAIN_AVAILABLE, 1);
        integer(properties, PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, 1);
        integer(properties, PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 1);
        integer(properties, PropertyId.SHARED_SUBSCRIPTION_AVAILABLE, 1);
        if (keepAliveChanged) {
            integer(properties, PropertyId.SERVER_KEEP_ALIVE, keepAliveSeconds);
        }
        if (authentication != null) {
            authentication.addTo(properties, authenticationData);
        }
        String responseInformation = settings.responseInformation();
        if (requestResponseInformation && !responseInformation.isEmpty()) {
            // Not without the request [MQTT-3.1.2-28].
            properties.add(new MqttProperties.StringProperty(
                    PropertyId.RESPONSE_INFORMATION.id(),
                    responseInformation
                            .replace("%c", identity.clientId())
                            .replace("%u", identity.username() == null ? "" : identity.username())));
        }
        if (idAssigned) {
            // [MQTT-3.2.2-16]
            properties.add(
                    new MqttProperties.StringProperty(PropertyId.ASSIGNED_CLIENT_IDENTIFIER.id(), identity.clientId()));
        }
        return properties;
    }

    private static void integer(MqttProperties properties, PropertyId id, int value) {
        properties.add(new MqttProperties.IntegerProperty(id.id(), value));
    }

    /**
     * A packet the client sent before its CONNACK (a CONNECT or a malformed packet is the
     * connection's to refuse): held, and handled once connected.
     */
    void onEarlyPacket(MqttMessage message) {
        if (early == null) {
            early = new ArrayList<>();
        }
        early.add(message);
    }

    /** The packets held until now, to handle in order once connected; the caller releases them. */
    List<MqttMessage> takeEarlyPackets() {
        List<MqttMessage> pending = early;
        early = null;
        return pending == null ? List.of() : pending;
    }

    /** The connection closed before its CONNACK: what it held is released. */
    void abandon() {
        if (authTimeout != null) {
            authTimeout.cancel(false);
            authTimeout = null;
        }
        if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early = null;
        }
    }
}
