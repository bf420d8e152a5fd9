package io.starling.spi;

import com.typesafe.config.Config;

/**
 * Found with {@link java.util.ServiceLoader}; the one whose {@link #name()} equals the
 * {@code starling.storage.type} key is used.
 */
public interface StorageProvider {

    String name();

    /** Opens the stores. May block: it runs once, at start-up, before listeners open. */
    Storage open(Config config);
}
