package io.starling.spi;

import java.util.List;

/**
 * Part of one client's stored queue, as {@link MessageQueueStore#read} returns it.
 *
 * @param messages the entries by message id (in flight ones with their packet id)
 * @param last     the message id to read on after: that of the last entry looked at
 * @param complete whether the queue had nothing more after these when it was read
 */
public record QueuePage(List<QueuedMessage> messages, long last, boolean complete) {}
