package io.starling.cluster.hazelcast;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * A Hazelcast map for unit tests, over a plain map: entry processors run at once, a query
 * matches the values that start with what precedes its {@code %} (the {@code like} queries the
 * cluster classes make). {@link #data} is what the map holds.
 */
final class MapStandIn {

    final Map<String, String> data = new HashMap<>();
    final IMap<String, String> map;

    @SuppressWarnings("unchecked")
    MapStandIn() {
        map = mock(IMap.class);
        when(map.submitToKey(anyString(), any(EntryProcessor.class))).thenAnswer(call -> {
            String key = call.getArgument(0);
            EntryProcessor<String, String, Object> processor = call.getArgument(1);
            Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>(key, data.get(key)) {
                @Override
                public String setValue(String value) {
                    if (value == null) {
                        data.remove(key);
                    } else {
                        data.put(key, value);
                    }
                    return super.setValue(value);
                }
            };
            return CompletableFuture.completedFuture(processor.process(entry));
        });
        when(map.getAsync(anyString()))
                .thenAnswer(call -> CompletableFuture.completedFuture(data.get((String) call.getArgument(0))));
        when(map.setAsync(anyString(), anyString())).thenAnswer(call -> {
            data.put(call.getArgument(0), call.getArgument(1));
            return CompletableFuture.completedFuture(null);
        });
        when(map.remove(any(), any())).thenAnswer(call -> data.remove(call.getArgument(0), call.getArgument(1)));
        when(map.entrySet(any(Predicate.class))).thenAnswer(call -> {
            String like = call.getArgument(0).toString();
            String prefix = like.substring(like.indexOf('\'') + 1, like.indexOf('%'));
            return data.entrySet().stream()
                    .filter(entry -> entry.getValue().startsWith(prefix))
                    .map(entry -> Map.entry(entry.getKey(), entry.getValue()))
                    .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        });
    }

    Set<String> keys() {
        return Set.copyOf(data.keySet());
    }
}
