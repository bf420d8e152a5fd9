package io.starling.cluster.hazelcast;

import io.starling.concurrent.Stages;
import io.starling.spi.SessionRelay;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The relay of one session released to another node: what reaches the session here goes to
 * that node over the channel, in order. Nothing goes before the release answer and the
 * session's queue that follows it ({@link QueueStream}): the new node must have the session,
 * and the messages it had, before its first relayed message. So items relayed before
 * {@link #openAfter} has sent those wait here.
 */
final class MoveRelay implements SessionRelay {

    private final String clientId;
    private final Channel channel;
    /** Messages relayed before the release answer and the queue were sent; null once they were. */
    private List<Channel.Outgoing> waiting = new ArrayList<>();

    private boolean finishing;

    MoveRelay(String clientId, Channel channel) {
        this.clientId = clientId;
        this.channel = channel;
    }

    String target() {
        return channel.target();
    }

    @Override
    public CompletionStage<Void> relay(StoredMessage message) {
        // A QoS 2 message the new node may have stored before leaving counts as done, as a forward does.
        CompletableFuture<Void> stored = message.qos() == 0 ? null : new CompletableFuture<>();
        send(new Channel.Outgoing(new ClusterMessage.MovedMessage(clientId, message), stored, message.qos() == 2));
        return stored == null ? Stages.DONE : stored;
    }

    /**
     * Queues the release answer, then the session's queue ({@code queue}, null if there is no
     * session), then what was relayed meanwhile; later items go straight on. A queue that the
     * new node did not store in full ends the wait too (its rest goes on, see {@link MovingQueues}).
     */
    void openAfter(ClusterMessage.Released releaseAnswer, QueueStream queue) {
        channel.send(releaseAnswer, null, false);
        if (queue == null) {
            open();
        } else {
            queue.start().whenComplete((ignored, failure) -> open());
        }
    }

    private synchronized void open() {
        List<Channel.Outgoing> relayed = waiting;
        waiting = null;
        relayed.forEach(this::send);
    }

    synchronized boolean isFinishing() {
        return finishing;
    }

    /** Marks the relay as ending; false if it was already (the move ends once). */
    synchronized boolean startFinishing() {
        if (finishing) {
            return false;
        }
        finishing = true;
        return true;
    }

    /**
     * Tells the new node that everything was relayed: after every relayed item.
     *
     * @return completes when the new node has handled it, and so everything relayed before (or left)
     */
    CompletableFuture<Void> finish() {
        CompletableFuture<Void> handled = new CompletableFuture<>();
        send(new Channel.Outgoing(new ClusterMessage.MoveDone(clientId), handled, true));
        return handled;
    }

    private synchronized void send(Channel.Outgoing outgoing) {
        if (waiting != null) {
            waiting.add(outgoing);
        } else {
            channel.send(outgoing.message(), outgoing.done(), outgoing.okIfGone());
        }
    }
}
