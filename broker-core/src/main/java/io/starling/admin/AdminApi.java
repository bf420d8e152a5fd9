package io.starling.admin;

import io.starling.config.Mqtt5Settings;
import io.starling.metrics.TopicTreeRates;
import io.starling.routing.MessageIds;
import io.starling.routing.RetainedMessages;
import io.starling.routing.Topics;
import io.starling.spi.ClusterBus;
import io.starling.spi.NodeAnswer;
import io.starling.spi.NodeQuery;
import io.starling.spi.StoredMessage;
import io.starling.transport.HttpCall;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The admin API's resources under {@code /api/v1/} (docs/DASHBOARD.md lists them): cluster-wide
 * answers about nodes, clients, sessions, subscriptions and retained messages, and the
 * operator's actions. Called for authenticated calls only ({@link AdminLogin}); answers a JSON
 * value or fails with an {@link ApiError}.
 */
final class AdminApi {

    static final String PREFIX = "/api/v1/";
    private static final int MAX_LIMIT = 1000;
    /** Payload bytes of a retained message shown in a listing. */
    private static final int PAYLOAD_PREVIEW = 1024;

    private final ClusterAdmin cluster;
    private final RetainedMessages retained;
    private final ClusterBus bus;
    private final MessageIds messageIds;

    AdminApi(ClusterAdmin cluster, RetainedMessages retained, ClusterBus bus, MessageIds messageIds) {
        this.cluster = cluster;
        this.retained = retained;
        this.bus = bus;
        this.messageIds = messageIds;
    }

    CompletionStage<Object> answer(HttpCall call) {
        List<String> path = segments(call.path().substring(PREFIX.length()));
        String method = call.method();
        String resource = path.isEmpty() ? "" : path.get(0);
        return switch (resource) {
            case "nodes" ->
                path.size() == 3 && path.get(2).equals("redirect")
                        ? method.equals("DELETE")
                                ? only(method, "DELETE", path, 3, () -> clearRedirect(path.get(1)))
                                : only(method, "POST", path, 3, () -> redirect(path.get(1), call.parameter("mode")))
                        : only(method, "GET", path, 1, () -> nodes());
            case "clients" -> clients(call, path);
            case "sessions" -> sessions(call, path);
            case "subscriptions" -> only(method, "GET", path, 1, () -> subscriptions(call));
            case "retained" -> retained(call, path);
            case "topics" -> only(method, "GET", path, 1, () -> topicTrees(call));
            case "auth" ->
                path.size() == 2 && path.get(1).equals("reload")
                        ? only(method, "POST", path, 2, this::reloadAuth)
                        : notFound(call);
            default -> notFound(call);
        };
    }

    private interface Handler {
        CompletionStage<Object> handle();
    }

    private static CompletionStage<Object> only(
            String method, String allowed, List<String> path, int length, Handler handler) {
        if (path.size() != length) {
            throw ApiError.notFound("no such resource");
        }
        if (!method.equals(allowed)) {
            throw new ApiError(405, "method " + method + " not allowed here (" + allowed + ")");
        }
        return handler.handle();
    }

    private static CompletionStage<Object> notFound(HttpCall call) {
        throw ApiError.notFound("no such resource: " + call.path());
    }

    private CompletionStage<Object> nodes() {
        return cluster.askEveryNode(new NodeQuery(LocalAnswers.NODE, Map.of())).thenApply(answers -> {
            List<Object> nodes = new ArrayList<>();
            for (NodeAnswer answer : answers) {
                if (answer.value() instanceof Map<?, ?> node) {
                    LinkedHashMap<Object, Object> shown = new LinkedHashMap<>(node);
                    shown.put("self", answer.node().equals(cluster.nodeId()));
                    shown.put("healthy", true);
                    nodes.add(shown);
                } else {
                    nodes.add(unreachable(answer));
                }
            }
            LinkedHashMap<String, Object> result = new LinkedHashMap<>();
            result.put("node", cluster.nodeId());
            result.put("nodes", nodes);
            return result;
        });
    }

    private static Map<String, Object> unreachable(NodeAnswer answer) {
        LinkedHashMap<String, Object> node = new LinkedHashMap<>();
        node.put("id", answer.node());
        node.put("healthy", false);
        node.put("error", answer.error());
        return node;
    }

    private CompletionStage<Object> clients(HttpCall call, List<String> path) {
        if (path.size() == 1) {
            return only(
                    call.method(),
                    "GET",
                    path,
                    1,
                    () -> page(call, LocalAnswers.SESSIONS, Map.of("connected", "true")));
        }
        String clientId = path.get(1);
        if (path.size() == 3 && path.get(2).equals("disconnect")) {
            return only(
                    call.method(),
                    "POST",
                    path,
                    3,
                    () -> act(LocalAnswers.DISCONNECT, clientId, "disconnected", "client"));
        }
        return only(call.method(), "GET", path, 2, () -> session(clientId, true));
    }

    private CompletionStage<Object> sessions(HttpCall call, List<String> path) {
        if (path.size() == 1) {
            String connected = call.parameter("connected");
            return only(
                    call.method(),
                    "GET",
                    path,
                    1,
                    () -> page(
                            call,
                            LocalAnswers.SESSIONS,
                            Map.of("connected", connected == null ? "false" : flag(connected))));
        }
        String clientId = path.get(1);
        if (call.method().equals("DELETE")) {
            return only(
                    call.method(),
                    "DELETE",
                    path,
                    2,
                    () -> act(LocalAnswers.DELETE_SESSION, clientId, "deleted", "session"));
        }
        return only(call.method(), "GET", path, 2, () -> session(clientId, false));
    }

    private static String flag(String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw ApiError.badRequest("connected must be true or false, was '" + value + "'");
        }
        return value;
    }

    private CompletionStage<Object> subscriptions(HttpCall call) {
        String filter = call.parameter("filter");
        if (filter != null && !filter.isEmpty() && !Topics.isValidFilter(filter)) {
            throw ApiError.badRequest("not a valid topic filter: '" + filter + "'");
        }
        return page(call, LocalAnswers.SUBSCRIPTIONS, filter == null ? Map.of() : Map.of("filter", filter));
    }

    /** A paged list, cut from the pages of every node. */
    private CompletionStage<Object> page(HttpCall call, String kind, Map<String, String> extra) {
        int offset = number(call, "offset", 0, Integer.MAX_VALUE - MAX_LIMIT, 0);
        int limit = number(call, "limit", 1, MAX_LIMIT, 50);
        Map<String, String> parameters = new LinkedHashMap<>(extra);
        parameters.put("offset", Integer.toString(offset));
        parameters.put("limit", Integer.toString(limit));
        String search = call.parameter("q");
        if (search != null) {
            parameters.put("q", search);
        }
        return cluster.askEveryNode(new NodeQuery(kind, parameters)).thenApply(answers -> {
            List<LinkedHashMap<?, ?>> parts = new ArrayList<>();
            List<Object> errors = new ArrayList<>();
            for (NodeAnswer answer : answers) {
                if (answer.value() instanceof LinkedHashMap<?, ?> part) {
                    parts.add(part);
                } else {
                    errors.add(unreachable(answer));
                }
            }
            LinkedHashMap<String, Object> page = Page.merge(parts, offset, limit);
            page.put("unreachable", errors);
            return page;
        });
    }

    private static int number(HttpCall call, String name, int min, int max, int fallback) {
        String text = call.parameter(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below like a number out of range.
        }
        throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max + ", was '" + text + "'");
    }

    private CompletionStage<Object> session(String clientId, boolean connectedOnly) {
        return cluster.askEveryNode(new NodeQuery(LocalAnswers.SESSION, Map.of("clientId", clientId)))
                .thenApply(answers -> {
                    for (NodeAnswer answer : answers) {
                        if (answer.value() instanceof Map<?, ?> session
                                && (!connectedOnly || Boolean.TRUE.equals(session.get("connected")))) {
                            return session;
                        }
                    }
                    throw ApiError.notFound((connectedOnly ? "no connected client " : "no session ") + clientId);
                });
    }

    /** An action on the node holding the client's session (every node is asked; only that one has it). */
    private CompletionStage<Object> act(String kind, String clientId, String done, String what) {
        return cluster.askEveryNode(new NodeQuery(kind, Map.of("clientId", clientId)))
                .thenApply(answers -> {
                    for (NodeAnswer answer : answers) {
                        if (Boolean.TRUE.equals(answer.value())) {
                            LinkedHashMap<String, Object> result = new LinkedHashMap<>();
                            result.put(done, clientId);
                            result.put("node", answer.node());
                            return result;
                        }
                    }
                    throw ApiError.notFound(
                            "no " + (what.equals("client") ? "connected client " : "session ") + clientId);
                });
    }

    /**
     * One node starts or stops sending its clients to the Server Reference (MQTT 5: CONNACK
     * and DISCONNECT 0x9C / 0x9D), also after a restart: {@code {"node", "redirect",
     * "disconnected"}}; 404 for an unknown node.
     */
    private CompletionStage<Object> redirect(String node, String mode) {
        if (mode == null || !Mqtt5Settings.REDIRECTS.contains(mode)) {
            throw ApiError.badRequest("mode must be one of " + Mqtt5Settings.REDIRECTS);
        }
        return askToRedirect(node, Map.of("node", node, "mode", mode));
    }

    /** The node forgets the redirect set through the API: its setting applies again. Answered as {@link #redirect}. */
    private CompletionStage<Object> clearRedirect(String node) {
        return askToRedirect(node, Map.of("node", node, "clear", "true"));
    }

    private CompletionStage<Object> askToRedirect(String node, Map<String, String> parameters) {
        return cluster.askEveryNode(new NodeQuery(LocalAnswers.REDIRECT, parameters))
                .thenApply(answers -> {
                    for (NodeAnswer answer : answers) {
                        if (answer.node().equals(node) && answer.value() instanceof Map<?, ?> done) {
                            LinkedHashMap<Object, Object> result = new LinkedHashMap<>();
                            result.put("node", node);
                            result.putAll(done);
                            return result;
                        }
                    }
                    throw ApiError.notFound("no node " + node);
                });
    }

    /**
     * Messages per second per topic tree, summed over the nodes, highest first: {@code depth}
     * levels of the topic (default 1), at most {@code limit} trees (default 50). The first ask
     * starts the counting on every node ({@code "counting": false}, no trees yet); the next asks
     * get the rates since the ask before. Counting stops a minute after the last ask.
     */
    private CompletionStage<Object> topicTrees(HttpCall call) {
        int depth = number(call, "depth", 1, TopicTreeRates.MAX_DEPTH, 1);
        int limit = number(call, "limit", 1, MAX_LIMIT, 50);
        return cluster.askEveryNode(new NodeQuery(LocalAnswers.TOPIC_TREES, Map.of("depth", Integer.toString(depth))))
                .thenApply(answers -> {
                    Map<String, Double> sums = new HashMap<>();
                    boolean counting = true;
                    List<Object> errors = new ArrayList<>();
                    for (NodeAnswer answer : answers) {
                        if (!(answer.value() instanceof Map<?, ?> node)) {
                            errors.add(unreachable(answer));
                            continue;
                        }
                        counting &= ((Number) node.get("seconds")).doubleValue() > 0;
                        for (Object item : (List<?>) node.get("trees")) {
                            Map<?, ?> tree = (Map<?, ?>) item;
                            sums.merge(
                                    (String) tree.get("tree"),
                                    ((Number) tree.get("perSecond")).doubleValue(),
                                    Double::sum);
                        }
                    }
                    List<Object> items = sums.entrySet().stream()
                            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                            .limit(limit)
                            .map(entry -> {
                                LinkedHashMap<String, Object> item = new LinkedHashMap<>();
                                item.put("tree", entry.getKey());
                                item.put("messagesPerSecond", entry.getValue());
                                return (Object) item;
                            })
                            .toList();
                    LinkedHashMap<String, Object> result = new LinkedHashMap<>();
                    result.put("depth", depth);
                    result.put("counting", counting);
                    result.put("items", items);
                    result.put("unreachable", errors);
                    return result;
                });
    }

    private CompletionStage<Object> reloadAuth() {
        return cluster.askEveryNode(new NodeQuery(LocalAnswers.RELOAD_AUTH, Map.of()))
                .thenApply(answers -> {
                    List<Object> nodes = new ArrayList<>();
                    for (NodeAnswer answer : answers) {
                        LinkedHashMap<String, Object> node = new LinkedHashMap<>();
                        node.put("node", answer.node());
                        node.put("plugins", answer.value());
                        if (answer.error() != null) {
                            node.put("error", answer.error());
                        }
                        nodes.add(node);
                    }
                    return Map.of("reloaded", nodes);
                });
    }

    /** Retained messages are on every node: this node answers for the cluster. */
    private CompletionStage<Object> retained(HttpCall call, List<String> path) {
        if (call.method().equals("DELETE")) {
            return only(call.method(), "DELETE", path, 1, () -> deleteRetained(call.parameter("topic")));
        }
        return only(call.method(), "GET", path, 1, () -> {
            String filter = call.parameter("filter");
            filter = filter == null || filter.isEmpty() ? "#" : filter;
            if (!Topics.isValidFilter(filter)) {
                throw ApiError.badRequest("not a valid topic filter: '" + filter + "'");
            }
            int offset = number(call, "offset", 0, Integer.MAX_VALUE - MAX_LIMIT, 0);
            int limit = number(call, "limit", 1, MAX_LIMIT, 50);
            List<StoredMessage> matches = new ArrayList<>();
            retained.match(filter, matches::add);
            matches.sort(Comparator.comparing(StoredMessage::topic));
            List<Object> items = new ArrayList<>();
            for (int i = offset; i < Math.min(matches.size(), offset + limit); i++) {
                items.add(retainedItem(matches.get(i)));
            }
            LinkedHashMap<String, Object> page = new LinkedHashMap<>();
            page.put("total", matches.size());
            page.put("offset", offset);
            page.put("limit", limit);
            page.put("items", items);
            return CompletableFuture.completedFuture(page);
        });
    }

    private static Map<String, Object> retainedItem(StoredMessage message) {
        LinkedHashMap<String, Object> item = new LinkedHashMap<>();
        item.put("topic", message.topic());
        item.put("qos", message.qos());
        item.put("size", message.payload().length);
        item.put("timestamp", message.timestamp());
        byte[] preview = message.payload().length <= PAYLOAD_PREVIEW
                ? message.payload()
                : Arrays.copyOf(message.payload(), PAYLOAD_PREVIEW);
        String text = utf8(preview);
        if (text != null) {
            item.put("payload", text);
        } else {
            item.put("payloadBase64", Base64.getEncoder().encodeToString(preview));
        }
        item.put("truncated", preview.length < message.payload().length);
        return item;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Deletes it on this node and replicates the deletion to every node, without a delivery to subscribers. */
    private CompletionStage<Object> deleteRetained(String topic) {
        if (topic == null || topic.isEmpty() || !Topics.isValidTopicName(topic)) {
            throw ApiError.badRequest("topic must be a topic name, was '" + topic + "'");
        }
        boolean[] found = {false};
        retained.match(topic, message -> found[0] = true);
        if (!found[0]) {
            throw ApiError.notFound("no retained message on " + topic);
        }
        StoredMessage deletion =
                new StoredMessage(messageIds.next(), topic, 0, true, new byte[0], System.currentTimeMillis());
        return retained.retain(deletion)
                .thenCombine(bus.replicateRetained(deletion), (a, b) -> (Object) Map.of("deleted", topic));
    }

    /** The path's segments, each percent-decoded (a client id may contain '/', sent as %2F). */
    private static List<String> segments(String rest) {
        List<String> segments = new ArrayList<>();
        for (String segment : rest.split("/", -1)) {
            if (!segment.isEmpty()) {
                try {
                    segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw ApiError.badRequest("bad percent-encoding in the path");
                }
            }
        }
        return segments;
    }
}
