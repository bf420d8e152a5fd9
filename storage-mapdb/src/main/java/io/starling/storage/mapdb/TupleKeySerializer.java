package io.starling.storage.mapdb;

import java.util.Comparator;
import org.mapdb.Serializer;
import org.mapdb.serializer.SerializerArrayTuple;

/**
 * MapDB's tuple key serializer with a binary search that reads the node's keys in place.
 * {@link SerializerArrayTuple} keeps a node's keys as one flat array and searched it by first
 * copying every key out into an array of its own, on every node of every lookup. The stored
 * form is the same (only searching changes), so stores written with either read with either.
 */
final class TupleKeySerializer extends SerializerArrayTuple {

    TupleKeySerializer(Serializer<?>... elements) {
        super(elements);
    }

    @Override
    public int valueArraySearch(Object keys, Object[] key) {
        return search((Object[]) keys, key);
    }

    @Override
    public int valueArraySearch(Object keys, Object[] key, Comparator comparator) {
        return comparator == this ? search((Object[]) keys, key) : super.valueArraySearch(keys, key, comparator);
    }

    /** {@link java.util.Arrays#binarySearch}'s contract over the flat key array. */
    private int search(Object[] flat, Object[] key) {
        int low = 0;
        int high = flat.length / size - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = compareAt(flat, middle * size, key);
            if (order < 0) {
                low = middle + 1;
            } else if (order > 0) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -(low + 1);
    }

    /** {@link SerializerArrayTuple#compare(Object[], Object[])} of the key at {@code start} with {@code key}. */
    @SuppressWarnings("unchecked")
    private int compareAt(Object[] flat, int start, Object[] key) {
        int common = Math.min(size, key.length);
        for (int i = 0; i < common; i++) {
            Object a = flat[start + i];
            Object b = key[i];
            if (a == b) {
                continue;
            }
            if (a == null) {
                return 1;
            }
            if (b == null) {
                return -1;
            }
            int order = comp[i].compare(a, b);
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(size, key.length);
    }
}
