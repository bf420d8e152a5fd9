package io.starling.cluster.local;

import com.typesafe.config.Config;
import io.starling.spi.ClusterBus;
import io.starling.spi.ClusterProvider;

/** {@code starling.cluster.type = none}: a single node. */
public final class SingleNodeClusterProvider implements ClusterProvider {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public ClusterBus create(Config config) {
        return new SingleNodeClusterBus();
    }
}
