package io.starling.protocol;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.starling.spi.AuthResult;
import io.starling.spi.ClientIdentity;
import io.starling.spi.ConnectInfo;
import io.starling.spi.StoredMessage;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
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

    private final MqttConnection connection;
    private final ProtocolServices services;
    private final Channel channel;
    /** Packets the client sent after CONNECT, before its CONNACK. Null while there are none. */
    private List<MqttMessage> early;

    private ClientIdentity identity;
    private boolean cleanSession;
    private int keepAliveSeconds;
    private StoredMessage will;
    /** The line logged once the client is connected. */
    private String description;

    ConnectHandshake(MqttConnection connection, ProtocolServices services, Channel channel) {
        this.connection = connection;
        this.services = services;
        this.channel = channel;
    }

    /** Checks the CONNECT and authenticates it; refuses or closes the connection when it fails. */
    void start(MqttConnectMessage connect) {
        ConnectCheck check = ConnectCheck.of(connect, services.config().maxClientIdLength());
        String requestedId = connect.payload().clientIdentifier();
        if (check.violation() != null) {
            connection.violation("CONNECT with " + check.violation());
            return;
        }
        if (check.refusal() != null) {
            connection.refuse(
                    check.refusal(),
                    "CONNECT from " + channel.remoteAddress() + " refused with client id '" + requestedId + "'");
            return;
        }
        cleanSession = connect.variableHeader().isCleanSession();
        String clientId = requestedId.isEmpty() ? "auto-" + UUID.randomUUID() : requestedId;
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
                    0);
        }
        keepAliveSeconds = connect.variableHeader().keepAliveTimeSeconds();
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
        services.logins()
                .authenticate(info)
                .whenComplete((verdict, failure) -> channel.eventLoop().execute(() -> {
                    if (!connection.isConnecting()) {
                        return;
                    }
                    AuthResult result = verdict == null ? null : verdict.result();
                    if (failure != null || result != AuthResult.ACCEPT) {
                        refuseLogin(
                                result == AuthResult.BAD_USERNAME_OR_PASSWORD, verdict != null && verdict.heldBack());
                        return;
                    }
                    attach();
                }));
    }

    private void refuseLogin(boolean badCredentials, boolean heldBack) {
        services.metrics().authRefused(badCredentials);
        // A CONNECT held back after failed logins was logged with the others held back.
        connection.refuse(
                badCredentials
                        ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD
                        : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                heldBack
                        ? null
                        : "client " + identity.clientId() + " from " + connection.remote() + " refused: "
                                + (badCredentials ? "bad user name or password" : "not authorized"));
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
        services.sessions()
                .connect(clientId, cleanSession, connection, channel.eventLoop(), this::accepted)
                .whenComplete((attached, failure) -> channel.eventLoop().execute(() -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        if (!(cause instanceof CancellationException) && connection.isConnecting()) {
                            LOG.error(
                                    "Could not set up the session of client {} (store or cluster): {}",
                                    clientId,
                                    cause.toString());
                            connection.refuse(
                                    MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                                    "session could not be set up");
                        }
                        return;
                    }
                    if (!connection.isConnecting()) {
                        // The connection closed while the session was being attached.
                        services.sessions().disconnected(attached, connection);
                        return;
                    }
                    connection.connected(attached, will, keepAliveSeconds);
                }));
    }

    /** The session took the client: CONNACK, on the session's thread before anything else it sends. */
    private void accepted(int sessionPresent) {
        connection.send(Packets.connack(MqttConnectReturnCode.CONNECTION_ACCEPTED, sessionPresent == 1));
        LOG.info(description);
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
        if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early = null;
        }
    }
}
