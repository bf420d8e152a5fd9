package io.starling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.starling.protocol.ProtocolServices;
import io.starling.session.ClientLink;
import io.starling.session.ConnectionDetails;
import io.starling.session.Session;
import io.starling.spi.StoredMessage;
import io.starling.testing.TestProtocolServices;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The router with real sessions, connected through the registry to clients whose tasks run on
 * the calling thread (as a session whose connection is on the routing thread's event loop runs
 * a delivery at once): what each client is sent is known when {@code publish} returns.
 */
class PublishRouterTest {

    private final EventLoopGroup offlineLoops = new DefaultEventLoopGroup(1);
    private final ProtocolServices services = TestProtocolServices.create(offlineLoops);
    private long nextId;

    @AfterEach
    void stop() {
        offlineLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aSessionMatchedByOverlappingFiltersGetsOneCopyAtItsHighestQos() {
        RecordingClient overlapping = connect("overlapping", "home/#", 0, "home/+/temp", 1, "+/kitchen/temp", 0);
        RecordingClient single = connect("single", "home/kitchen/temp", 0);

        services.router().publish(message("home/kitchen/temp", 2), null);

        assertEquals(List.of("home/kitchen/temp q1"), overlapping.received);
        assertEquals(List.of("home/kitchen/temp q0"), single.received);
    }

    @Test
    void aDeliveryThatRoutesAgainOnTheRoutingThreadLeavesTheFirstRoutingWhole() {
        // Its first delivery publishes another message on this thread, as a connection that
        // closes there publishes its will; the sessions after it must still get the first one.
        RecordingClient first = connect("first", "t/#", 1);
        RecordingClient second = connect("second", "t/#", 1);
        RecordingClient third = connect("third", "t/#", 1);
        first.onPublish = message -> {
            if (message.topic().equals("t/outer")) {
                services.router().publish(message("t/inner", 0), null);
            }
        };

        services.router().publish(message("t/outer", 0), null);

        assertEquals(List.of("t/outer q0", "t/inner q0"), first.received);
        assertEquals(List.of("t/inner q0", "t/outer q0"), second.received);
        assertEquals(List.of("t/inner q0", "t/outer q0"), third.received);
    }

    private StoredMessage message(String topic, int qos) {
        return new StoredMessage(++nextId, topic, qos, false, new byte[0], 0L);
    }

    /** A clean session subscribed to the filters (filter, QoS, filter, QoS, ...). */
    private RecordingClient connect(String clientId, Object... subscriptions) {
        RecordingClient client = new RecordingClient();
        client.session = services.sessions()
                .connect(clientId, true, client, ImmediateEventExecutor.INSTANCE, sessionPresent -> {})
                .toCompletableFuture()
                .join();
        client.session.execute(() -> {
            for (int i = 0; i < subscriptions.length; i += 2) {
                services.subscriptions().add(client.session, (String) subscriptions[i], (Integer) subscriptions[i + 1]);
            }
        });
        return client;
    }

    /** Records what it is sent ("topic qN") and acknowledges QoS 1 at once. */
    private static final class RecordingClient implements ClientLink {

        final List<String> received = new ArrayList<>();
        Session session;
        Consumer<StoredMessage> onPublish = message -> {};

        @Override
        public void sendPublish(StoredMessage message, int qos, int packetId, boolean dup) {
            received.add(message.topic() + " q" + qos);
            if (qos == 1) {
                session.onPuback(packetId);
            }
            onPublish.accept(message);
        }

        @Override
        public void sendPubrel(int packetId) {
            throw new AssertionError("no QoS 2 is delivered here");
        }

        @Override
        public void flush() {
            // Nothing is buffered.
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void closeForTakeover(boolean sessionEnds) {
            throw new AssertionError("no client id is connected twice here");
        }

        @Override
        public void closeAsSlowConsumer(String reason) {
            throw new AssertionError(reason);
        }

        @Override
        public void closeByOperator() {
            throw new AssertionError("no operator here");
        }

        @Override
        public ConnectionDetails details() {
            throw new AssertionError("no admin API here");
        }
    }
}
