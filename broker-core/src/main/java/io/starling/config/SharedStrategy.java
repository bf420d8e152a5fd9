package io.starling.config;

import java.util.Locale;

/** How a shared subscription group picks the member that gets a message (docs/SHARED.md). */
public enum SharedStrategy {
    /** Each member in turn. */
    ROUND_ROBIN,
    /** A member at random. */
    RANDOM,
    /** The member that got the last message, while it can take more. */
    STICKY,
    /** A member connected to the publishing node when one can take the message, else round-robin. */
    LOCAL_FIRST,
    /** By the publisher's client id: one publisher's messages go to one member, in order. */
    HASH_CLIENT_ID,
    /** By the topic: one topic's messages go to one member, in order. */
    HASH_TOPIC;

    /** The name in the configuration: {@code round-robin}, {@code hash-client-id}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The strategy named {@code name} in the configuration, or null. */
    static SharedStrategy named(String name) {
        for (SharedStrategy strategy : values()) {
            if (strategy.configName().equals(name)) {
                return strategy;
            }
        }
        return null;
    }

    /** Whether the member is chosen by a key of the message, so that messages with one key keep their order. */
    public boolean isHash() {
        return this == HASH_CLIENT_ID || this == HASH_TOPIC;
    }
}
