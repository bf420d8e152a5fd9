package io.starling.cluster.hazelcast;

import com.typesafe.config.Config;
import io.starling.spi.ClusterBus;
import io.starling.spi.ClusterProvider;

/** {@code starling.cluster.type = hazelcast}: an embedded Hazelcast member per broker node. */
public final class HazelcastClusterProvider implements ClusterProvider {

    @Override
    public String name() {
        return "hazelcast";
    }

    @Override
    public ClusterBus create(Config config) {
        return new HazelcastClusterBus(HazelcastSettings.from(DnsDiscovery.resolve(config)));
    }
}
