package io.starling.routing;

import io.starling.spi.SubscriptionOptions;
import java.util.Map;

/** The MQTT 3.1.1 rules for topic names (section 4.7) and topic filters. */
public final class Topics {

    private Topics() {}

    /** A topic name a client may publish to: non-empty, no wildcard characters. */
    public static boolean isValidTopicName(String topic) {
        return !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0 && topic.indexOf('\u0000') < 0;
    }

    /**
     * A topic filter a client may subscribe to: non-empty; {@code +} and {@code #} occupy
     * whole levels; {@code #} only as the last level.
     */
    public static boolean isValidFilter(String filter) {
        if (filter.isEmpty() || filter.indexOf('\u0000') >= 0) {
            return false;
        }
        int levelStart = 0;
        int length = filter.length();
        for (int i = 0; i <= length; i++) {
            if (i == length || filter.charAt(i) == '/') {
                if (!isValidFilterLevel(filter, levelStart, i, i == length)) {
                    return false;
                }
                levelStart = i + 1;
            }
        }
        return true;
    }

    private static boolean isValidFilterLevel(String filter, int start, int end, boolean last) {
        for (int i = start; i < end; i++) {
            char c = filter.charAt(i);
            if (c == '+' || c == '#') {
                if (end - start != 1) {
                    return false;
                }
                if (c == '#' && !last) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether the filter matches the topic name, as {@link SubscriptionTrie} decides it for
     * many filters at once: {@code +} matches one level, {@code #} the rest (including the
     * parent level), and a filter starting with a wildcard does not match a {@code $} topic.
     */
    public static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        String[] filterLevels = levels(filter);
        String[] topicLevels = levels(topic);
        for (int i = 0; i < filterLevels.length; i++) {
            String level = filterLevels[i];
            if (level.equals("#")) {
                return true;
            }
            if (i >= topicLevels.length || !level.equals("+") && !level.equals(topicLevels[i])) {
                return false;
            }
        }
        return filterLevels.length == topicLevels.length;
    }

    /**
     * The highest QoS of the subscriptions (filter to {@link SubscriptionOptions}) whose filter
     * matches the topic; -1 if none does.
     */
    public static int matchingQos(Map<String, Integer> subscriptions, String topic) {
        int qos = -1;
        for (Map.Entry<String, Integer> subscription : subscriptions.entrySet()) {
            if (matches(subscription.getKey(), topic)) {
                qos = Math.max(qos, SubscriptionOptions.qos(subscription.getValue()));
            }
        }
        return qos;
    }

    /**
     * Whether one of the subscriptions (filter to {@link SubscriptionOptions}) whose filter
     * matches the topic is Retain As Published (as {@link Deliveries} decides it for a routed message).
     */
    public static boolean retainsAsPublished(Map<String, Integer> subscriptions, String topic) {
        for (Map.Entry<String, Integer> subscription : subscriptions.entrySet()) {
            if (SubscriptionOptions.retainAsPublished(subscription.getValue())
                    && matches(subscription.getKey(), topic)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The Subscription Identifiers of the subscriptions (filter to {@link SubscriptionOptions})
     * whose filter matches the topic, in ascending order, each once; a shared subscription's
     * filter is the one after its group.
     */
    public static int[] matchingIdentifiers(Map<String, Integer> subscriptions, String topic) {
        return subscriptions.entrySet().stream()
                .filter(subscription -> SubscriptionOptions.identifier(subscription.getValue()) != 0
                        && matches(routedFilter(subscription.getKey()), topic))
                .mapToInt(subscription -> SubscriptionOptions.identifier(subscription.getValue()))
                .sorted()
                .distinct()
                .toArray();
    }

    /** Splits a topic or filter into its levels; empty levels are kept ("a//b" has three). */
    static String[] levels(String topic) {
        return topic.split("/", -1);
    }

    /** The filter a subscription matches topics with: a shared subscription's own filter. */
    private static String routedFilter(String subscribed) {
        SharedFilter shared = SharedFilter.parse(subscribed);
        return shared == null ? subscribed : shared.filter();
    }
}
