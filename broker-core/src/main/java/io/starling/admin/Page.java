package io.starling.admin;

import io.starling.spi.NodeQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;

/**
 * One node's part of a paged list: how many items match in all, and the first ones of them in
 * order, each with its sort key, as many as the cluster-wide page may need ({@code offset +
 * limit}), so that {@link ClusterAdmin} can merge the nodes' parts and cut the page.
 */
final class Page {

    static final String TOTAL = "total";
    static final String KEYS = "keys";
    static final String ITEMS = "items";

    private long total;
    private final ArrayList<Object> keys = new ArrayList<>();
    private final ArrayList<Object> items = new ArrayList<>();

    /** How many items a node sends: offset plus limit of the query (both checked by {@link ClusterAdmin}). */
    static int wanted(NodeQuery query) {
        long wanted = Long.parseLong(query.parameter("offset", "0")) + Long.parseLong(query.parameter("limit", "50"));
        return (int) Math.min(Integer.MAX_VALUE, wanted);
    }

    /** One more match, in sort order; made into an item only while the page may need it. */
    void count(String key, int wanted, Supplier<Object> item) {
        total++;
        if (items.size() < wanted) {
            keys.add(key);
            items.add(item.get());
        }
    }

    LinkedHashMap<String, Object> toAnswer() {
        LinkedHashMap<String, Object> answer = new LinkedHashMap<>();
        answer.put(TOTAL, total);
        answer.put(KEYS, keys);
        answer.put(ITEMS, items);
        return answer;
    }

    /** Merges the nodes' parts (each sorted) and cuts the page. */
    static LinkedHashMap<String, Object> merge(List<LinkedHashMap<?, ?>> parts, int offset, int limit) {
        long total = 0;
        List<Object[]> all = new ArrayList<>();
        for (LinkedHashMap<?, ?> part : parts) {
            total += ((Number) part.get(TOTAL)).longValue();
            List<?> partKeys = (List<?>) part.get(KEYS);
            List<?> partItems = (List<?>) part.get(ITEMS);
            for (int i = 0; i < partKeys.size(); i++) {
                all.add(new Object[] {partKeys.get(i), partItems.get(i)});
            }
        }
        all.sort((a, b) -> ((String) a[0]).compareTo((String) b[0]));
        List<Object> page = new ArrayList<>();
        for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
            page.add(all.get(i)[1]);
        }
        LinkedHashMap<String, Object> answer = new LinkedHashMap<>();
        answer.put(TOTAL, total);
        answer.put("offset", offset);
        answer.put("limit", limit);
        answer.put(ITEMS, page);
        return answer;
    }
}
