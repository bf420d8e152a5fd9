package io.starling.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * The Topic Aliases the broker sets up towards one MQTT 5 client (section 3.3.2.3.4): the
 * first topics sent on the connection get aliases 1, 2, ... up to the smaller of the client's
 * Topic Alias Maximum and {@code starling.mqtt5.topic-aliases-to-client}, never above the
 * client's [MQTT-3.1.2-26], none when it is 0 [MQTT-3.1.2-27]; later topics go with their
 * name. Aliases are never reassigned, so a PUBLISH sent with an alias always refers to what the
 * client was told, and they last as long as the connection, as the standard says (a new
 * connection starts with none). Used on the session's thread only.
 */
final class OutboundTopicAliases {

    private final int maximum;
    private final Map<String, Integer> aliases = new HashMap<>();

    OutboundTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    /** The alias an earlier PUBLISH set up for the topic (send an empty topic name with it), or 0. */
    int known(String topic) {
        Integer alias = aliases.get(topic);
        return alias == null ? 0 : alias;
    }

    /** A new alias for the topic (send the name with it: that sets it up), or 0 when all are taken. */
    int setUp(String topic) {
        if (aliases.size() >= maximum) {
            return 0;
        }
        int alias = aliases.size() + 1;
        aliases.put(topic, alias);
        return alias;
    }
}
