package io.starling.session;

import io.starling.spi.StoredMessage;

/**
 * A message of a shared subscription group on its way to one member, with the QoS it was
 * published with (the member gets it at most at its own subscription's QoS).
 */
public record SharedCopy(StoredMessage message, int qos) {}
