package io.starling.spi;

/**
 * Why a store does not take a message into one client's queue: a limit of the store is reached.
 *
 * @param limit  which limit, for metrics: {@code client} (that client's queue) or {@code total} (all queues)
 * @param reason one line for the log, with the figures
 */
public record QueueRefusal(String limit, String reason) {}
