package io.starling.storage.mapdb;

import com.typesafe.config.Config;
import io.starling.spi.Storage;
import io.starling.spi.StorageProvider;

/** {@code starling.storage.type = mapdb}: everything in one MapDB file, owned by one writer thread. */
public final class MapDbStorageProvider implements StorageProvider {

    @Override
    public String name() {
        return "mapdb";
    }

    @Override
    public Storage open(Config config) {
        return open(MapDbSettings.from(config));
    }

    static Storage open(MapDbSettings settings) {
        StoreWriter writer = new StoreWriter(settings);
        return new Storage(
                new MapDbSessionStore(writer),
                new MapDbMessageQueueStore(writer),
                new MapDbRetainedStore(writer),
                writer);
    }
}
