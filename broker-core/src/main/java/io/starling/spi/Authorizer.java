package io.starling.spi;

/**
 * Decides, per topic, what an authenticated client may do. Called on the publish path for
 * every PUBLISH, so it must answer from memory without blocking: load rules up front.
 * A refused subscription gets return code 0x80; a refused PUBLISH is acknowledged as MQTT
 * 3.1.1 requires, but not delivered.
 */
public interface Authorizer extends ClosablePlugin {

    boolean canPublish(ClientIdentity client, String topic);

    boolean canSubscribe(ClientIdentity client, String topicFilter);
}
