package io.starling.spi;

/**
 * Records that a QoS 2 PUBLISH with this packet id was received from this client and routed,
 * so that a re-sent PUBLISH with DUP=1 is not routed again before PUBREL arrives.
 */
public record InboundQos2Receipt(String clientId, int packetId) {}
