package io.starling.cluster.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MultiExecutionCallback;
import io.starling.spi.ClusterNode;
import io.starling.spi.NodeAnswer;
import io.starling.spi.NodeQuery;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The admin API's questions to the other nodes ({@link io.starling.spi.ClusterBus#askOtherNodes}):
 * a {@link NodeQuery} runs on every other member through a Hazelcast executor of its own
 * ({@value #EXECUTOR}), apart from the inbox topics and their wire format, and each member
 * answers from its {@link ClusterNode#answer}. The answers come back as they are; a member that
 * fails, leaves or does not answer within the request timeout is a failed answer.
 */
final class NodeQueries {

    static final String EXECUTOR = "starling.admin";
    /** Where a member's task finds this object: the Hazelcast instance's user context. */
    private static final String CONTEXT_KEY = "starling.node-queries";

    private volatile HazelcastInstance hazelcast;
    private volatile ClusterNode node;
    private volatile String nodeId;
    private volatile Duration timeout;

    void start(HazelcastInstance instance, ClusterNode clusterNode, String id, Duration requestTimeout) {
        this.node = clusterNode;
        this.nodeId = id;
        this.timeout = requestTimeout;
        instance.getUserContext().put(CONTEXT_KEY, this);
        this.hazelcast = instance;
    }

    CompletionStage<List<NodeAnswer>> askOtherNodes(NodeQuery query) {
        HazelcastInstance instance = hazelcast;
        if (instance == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<Member> others = new ArrayList<>();
        for (Member member : instance.getCluster().getMembers()) {
            if (!member.localMember()) {
                others.add(member);
            }
        }
        if (others.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Map<Member, Object> responses = new ConcurrentHashMap<>();
        CompletableFuture<List<NodeAnswer>> answers = new CompletableFuture<>();
        IExecutorService executor = instance.getExecutorService(EXECUTOR);
        executor.submitToMembers(new Task(query), others, new MultiExecutionCallback() {
            @Override
            public void onResponse(Member member, Object value) {
                responses.put(member, value);
            }

            @Override
            public void onComplete(Map<Member, Object> values) {
                answers.complete(collect(others, values));
            }
        });
        // Members that have not answered in time are reported as such with the answers there are.
        answers.completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return answers.thenApply(all -> all != null ? all : collect(others, responses));
    }

    private static List<NodeAnswer> collect(List<Member> members, Map<Member, Object> values) {
        List<NodeAnswer> answers = new ArrayList<>(members.size());
        for (Member member : members) {
            Object value = values.get(member);
            if (value instanceof NodeAnswer answer) {
                answers.add(answer);
            } else {
                String node = member.getAttribute(HazelcastSettings.NODE_ATTRIBUTE);
                String why = value == null ? "no answer in time" : value.toString();
                answers.add(NodeAnswer.failed(node == null ? member.getAddress().toString() : node, why));
            }
        }
        return answers;
    }

    /** Runs on a member: this node's answer, waited for at most the request timeout. */
    private NodeAnswer answerHere(NodeQuery query) {
        try {
            Serializable value =
                    node.answer(query).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return NodeAnswer.of(nodeId, value);
        } catch (ExecutionException e) {
            return NodeAnswer.failed(nodeId, e.getCause().toString());
        } catch (TimeoutException e) {
            return NodeAnswer.failed(nodeId, "no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NodeAnswer.failed(nodeId, "interrupted");
        }
    }

    /** The query as sent to a member; there it finds that member's {@link NodeQueries}. */
    private static final class Task implements Callable<NodeAnswer>, Serializable, HazelcastInstanceAware {

        private static final long serialVersionUID = 1L;

        private final NodeQuery query;
        private transient HazelcastInstance instance;

        Task(NodeQuery query) {
            this.query = query;
        }

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            this.instance = hazelcastInstance;
        }

        @Override
        public NodeAnswer call() {
            Object queries = instance.getUserContext().get(CONTEXT_KEY);
            if (!(queries instanceof NodeQueries here)) {
                return NodeAnswer.failed(instance.getName(), "the node is still starting");
            }
            return here.answerHere(query);
        }
    }
}
