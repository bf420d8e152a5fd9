package io.starling.cluster.hazelcast;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.when;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
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
 *
 * <p>Stand-ins made by {@link #partition} share a stand-in member: an entry processor that is
 * {@link HazelcastInstanceAware} reaches the other maps through it, as on the partition owner,
 * by a second mock over the same data, so that {@link #calls} counts only the calls made from
 * outside (the cluster round trips).
 */
final class MapStandIn {

    final Map<String, String> data = new HashMap<>();
    final IMap<String, String> map;
    /** The same data as the partition owner's entry processors see it. */
    private final IMap<String, String> local;

    private HazelcastInstance member;

    MapStandIn() {
        map = standIn();
        local = standIn();
    }

    /** Stand-ins for the named maps, whose entry processors can reach each other. */
    static Map<String, MapStandIn> partition(String... names) {
        HazelcastInstance member = mock(HazelcastInstance.class);
        Map<String, MapStandIn> maps = new HashMap<>();
        for (String name : names) {
            MapStandIn standIn = new MapStandIn();
            standIn.member = member;
            maps.put(name, standIn);
            when(member.<String, String>getMap(name)).thenReturn(standIn.local);
        }
        return maps;
    }

    /** How many calls were made to the map from outside its entry processors. */
    int calls() {
        return mockingDetails(map).getInvocations().size();
    }

    @SuppressWarnings("unchecked")
    private IMap<String, String> standIn() {
        IMap<String, String> mock = mock(IMap.class);
        when(mock.submitToKey(anyString(), any(EntryProcessor.class)))
                .thenAnswer(call -> CompletableFuture.completedFuture(run(call.getArgument(0), call.getArgument(1))));
        when(mock.get(anyString())).thenAnswer(call -> data.get((String) call.getArgument(0)));
        when(mock.getAsync(anyString()))
                .thenAnswer(call -> CompletableFuture.completedFuture(data.get((String) call.getArgument(0))));
        when(mock.setAsync(anyString(), anyString())).thenAnswer(call -> {
            data.put(call.getArgument(0), call.getArgument(1));
            return CompletableFuture.completedFuture(null);
        });
        when(mock.removeAsync(anyString()))
                .thenAnswer(call -> CompletableFuture.completedFuture(data.remove((String) call.getArgument(0))));
        when(mock.remove(any(), any())).thenAnswer(call -> data.remove(call.getArgument(0), call.getArgument(1)));
        when(mock.entrySet(any(Predicate.class))).thenAnswer(call -> {
            String like = call.getArgument(0).toString();
            String prefix = like.substring(like.indexOf('\'') + 1, like.indexOf('%'));
            return data.entrySet().stream()
                    .filter(entry -> entry.getValue().startsWith(prefix))
                    .map(entry -> Map.entry(entry.getKey(), entry.getValue()))
                    .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        });
        return mock;
    }

    /** Runs an entry processor on the key's entry, as the partition owner would. */
    private Object run(String key, EntryProcessor<String, String, Object> processor) {
        if (processor instanceof HazelcastInstanceAware aware) {
            aware.setHazelcastInstance(member);
        }
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
        return processor.process(entry);
    }

    Set<String> keys() {
        return Set.copyOf(data.keySet());
    }
}
