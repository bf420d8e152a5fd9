package io.starling.spi;

import com.typesafe.config.Config;

/**
 * Found with {@link java.util.ServiceLoader}; the one whose {@link #name()} equals the
 * {@code starling.cluster.type} key is used.
 */
public interface ClusterProvider {

    String name();

    ClusterBus create(Config config);
}
