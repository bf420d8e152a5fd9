package io.starling.spi;

/** Who is publishing or subscribing, as {@link Authorizer} sees it. */
public record ClientIdentity(String clientId, String username) {}
