package io.starling.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A message of a shared subscription group sent to another node ({@link ClusterBus#forwardShared}).
 *
 * @param accepted completes when the other node made the message durable for the group (the
 *     publisher's acknowledgement may wait for it); the sender may complete it itself once it has
 *     placed the message elsewhere after {@code done} said the node was lost
 * @param done completes true when the other node's group is done with the message (a member
 *     acknowledged it, got it at QoS 0, or it was dropped and counted there), false when that
 *     node left the cluster before: the sender takes the message back and places it again
 */
public record SharedForwarding(CompletableFuture<Void> accepted, CompletionStage<Boolean> done) {}
