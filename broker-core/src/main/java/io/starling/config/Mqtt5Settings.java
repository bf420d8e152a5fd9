package io.starling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;

/**
 * What the broker announces to MQTT 5 clients in CONNACK and holds them to
 * ({@code starling.mqtt5}).
 *
 * @param receiveMaximum     QoS 1/2 PUBLISHes a client may have unacknowledged towards the broker
 * @param topicAliasMaximum  topic aliases a client may set up towards the broker (0: none)
 * @param topicAliasesToClient topic aliases the broker sets up towards a client, at most the
 *                           client's own Topic Alias Maximum (0: none)
 * @param maxKeepAlive       the longest keep alive in seconds the broker grants (a longer or no
 *                           keep alive is lowered to it with Server Keep Alive); 0: any
 * @param serverReference    another server for clients to use, sent with the refusals and
 *                           disconnections that say so; empty: none
 * @param redirect           whether this node sends clients to {@code serverReference} from the start:
 *                           {@code none}, {@code use-another-server} (0x9C) or {@code server-moved} (0x9D)
 * @param responseInformation the Response Information for a client that requests it, {@code %c}
 *                           replaced by its client id and {@code %u} by its user name; empty: none
 */
public record Mqtt5Settings(
        int receiveMaximum,
        int topicAliasMaximum,
        int topicAliasesToClient,
        int maxKeepAlive,
        String serverReference,
        String redirect,
        String responseInformation) {

    /** The values of {@code redirect}. */
    public static final List<String> REDIRECTS = List.of("none", "use-another-server", "server-moved");

    static Mqtt5Settings from(Config c) {
        String prefix = "starling.mqtt5.";
        return new Mqtt5Settings(
                BrokerConfig.intIn(c, prefix + "receive-maximum", 1, 65535),
                BrokerConfig.intIn(c, prefix + "topic-alias-maximum", 0, 65535),
                BrokerConfig.intIn(c, prefix + "topic-aliases-to-client", 0, 65535),
                BrokerConfig.intIn(c, prefix + "max-keep-alive", 0, 65535),
                c.getString(prefix + "server-reference"),
                redirect(c, prefix + "redirect"),
                c.getString(prefix + "response-information"));
    }

    private static String redirect(Config c, String key) {
        String value = c.getString(key);
        if (!REDIRECTS.contains(value)) {
            throw new ConfigException.BadValue(key, "must be one of " + REDIRECTS + ", not '" + value + "'");
        }
        return value;
    }
}
