package io.starling.protocol;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.util.concurrent.EventExecutor;
import io.starling.auth.AuthChain;
import io.starling.protocol.mqtt5.PacketType;
import io.starling.protocol.mqtt5.PropertyId;
import io.starling.protocol.mqtt5.ReasonCode;
import io.starling.spi.AuthExchange;
import io.starling.spi.AuthStep;
import io.starling.spi.Authenticator;
import io.starling.spi.ConnectInfo;
import java.util.function.Consumer;

/**
 * The MQTT 5 enhanced authentication of one connection whose CONNECT named an Authentication
 * Method (section 4.12): the steps of its exchanges with the auth plugins, at CONNECT and at
 * each re-authentication, and the AUTH packets of the client checked against the exchange.
 * Used on the connection's event loop only; the plugins answer on the auth threads and the
 * answer comes back here through {@code eventLoop}.
 */
final class EnhancedAuthentication {

    /** Where an exchange is. */
    private enum Phase {
        /** No exchange runs: before CONNECT's, and between re-authentications. */
        IDLE,
        /** A plugin decides a step. */
        DECIDING,
        /** AUTH 0x18 was sent; the client's AUTH 0x18 is awaited. */
        AWAITING_CLIENT
    }

    private final AuthChain chain;
    private final EventExecutor eventLoop;
    private final ConnectInfo connect;
    private final String method;
    /** The authenticator that answered the first step of the exchange; it decides the later ones. */
    private Authenticator owner;
    /** What its last challenge carried. */
    private Object state;

    private Phase phase = Phase.IDLE;
    private boolean reauthentication;
    /** Counts the steps decided, so a timer knows whether the challenge it watches is still the last one. */
    private long stepsDecided;

    EnhancedAuthentication(AuthChain chain, EventExecutor eventLoop, ConnectInfo connect, String method) {
        this.chain = chain;
        this.eventLoop = eventLoop;
        this.connect = connect;
        this.method = method;
    }

    /** The Authentication Method of a CONNECT, or null when it has none (then: no enhanced authentication). */
    static String methodOf(MqttProperties properties) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(PropertyId.AUTHENTICATION_METHOD.id());
        return property == null ? null : (String) property.value();
    }

    /** The Authentication Data of a CONNECT or AUTH, or null. */
    static byte[] dataOf(MqttProperties properties) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(PropertyId.AUTHENTICATION_DATA.id());
        return property == null ? null : (byte[]) property.value();
    }

    String method() {
        return method;
    }

    /** The CONNECT this authentication decides. */
    ConnectInfo connectInfo() {
        return connect;
    }

    /** Whether a step of CONNECT's exchange waits for the client's AUTH. */
    boolean awaitsClient() {
        return phase == Phase.AWAITING_CLIENT;
    }

    /** The number of steps decided so far (see {@link #stillAwaits}). */
    long stepsDecided() {
        return stepsDecided;
    }

    /** Whether the client has still not answered the challenge of step {@code step} (a {@link #stepsDecided} value). */
    boolean stillAwaits(long step) {
        return phase == Phase.AWAITING_CLIENT && stepsDecided == step;
    }

    /** The first step, with the CONNECT's Authentication Data; {@code then} gets the answer on the event loop. */
    void begin(byte[] data, Consumer<AuthStep> then) {
        reauthentication = false;
        decide(new AuthExchange(connect, method, data, false, null), null, then);
    }

    /**
     * An AUTH packet of the client: AUTH 0x19 starts a re-authentication of a connected client,
     * AUTH 0x18 answers the challenge sent. Anything else is refused with the protocol error
     * returned (null: accepted, {@code then} gets the plugin's answer).
     *
     * @param connected whether the client has had its CONNACK (only then may it re-authenticate)
     */
    String onAuth(MqttMessage auth, boolean connected, Consumer<AuthStep> then) {
        // An AUTH without variable header is 0x00 without properties (section 3.15.2.1).
        MqttProperties sent = auth.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header
                ? header.properties()
                : MqttProperties.NO_PROPERTIES;
        ReasonCode code = auth.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header
                ? ReasonCode.of(header.reasonCode() & 0xFF, PacketType.AUTH)
                : ReasonCode.SUCCESS;
        String sentMethod = methodOf(sent);
        if (!method.equals(sentMethod)) {
            // [MQTT-4.12.1-1], and section 3.15.2.2.2: the method of the CONNECT in every AUTH.
            return "AUTH with Authentication Method '" + sentMethod + "', not the CONNECT's '" + method + "'";
        }
        byte[] data = dataOf(sent);
        if (code == ReasonCode.RE_AUTHENTICATE) {
            if (!connected || phase != Phase.IDLE) {
                return "AUTH 0x19 (re-authenticate) " + (connected ? "during an authentication" : "before CONNACK");
            }
            reauthentication = true;
            decide(new AuthExchange(connect, method, data, true, null), null, then);
            return null;
        }
        if (code == ReasonCode.CONTINUE_AUTHENTICATION && phase == Phase.AWAITING_CLIENT) {
            // [MQTT-4.12.0-3]
            decide(new AuthExchange(connect, method, data, reauthentication, state), owner, then);
            return null;
        }
        return "AUTH " + (code == null ? "with an invalid reason code" : code.describe())
                + " the broker did not ask for";
    }

    private void decide(AuthExchange exchange, Authenticator asked, Consumer<AuthStep> then) {
        phase = Phase.DECIDING;
        chain.authenticate(exchange, asked)
                .thenAccept(decision -> eventLoop.execute(() -> {
                    AuthStep step = decision.step();
                    stepsDecided++;
                    owner = decision.by();
                    state = step.state();
                    phase = step.outcome() == AuthStep.Outcome.CONTINUE ? Phase.AWAITING_CLIENT : Phase.IDLE;
                    then.accept(step);
                }));
    }

    /** The AUTH packet of a step the plugin decided: 0x18 with its challenge, or 0x00 after a re-authentication. */
    MqttMessage authPacket(ReasonCode code, byte[] data) {
        MqttProperties properties = new MqttProperties();
        addTo(properties, data);
        return Packets.auth(code, properties);
    }

    /** Adds Authentication Method and Data, for a CONNACK or AUTH [MQTT-4.12.0-5]. */
    void addTo(MqttProperties properties, byte[] data) {
        properties.add(new MqttProperties.StringProperty(PropertyId.AUTHENTICATION_METHOD.id(), method));
        if (data != null) {
            properties.add(new MqttProperties.BinaryProperty(PropertyId.AUTHENTICATION_DATA.id(), data));
        }
    }
}
