package io.starling.storage.memory;

import com.typesafe.config.Config;
import io.starling.spi.Storage;
import io.starling.spi.StorageProvider;

/** {@code starling.storage.type = memory}: nothing survives a restart. */
public final class InMemoryStorageProvider implements StorageProvider {

    public static Storage newStorage() {
        InMemoryMessageQueueStore queues = new InMemoryMessageQueueStore();
        return new Storage(new InMemorySessionStore(queues), queues, new InMemoryRetainedStore());
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Storage open(Config config) {
        return newStorage();
    }
}
