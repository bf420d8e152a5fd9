package io.starling.flows;

import io.starling.testing.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh broker with default settings and a set of Paho clients for each test. */
abstract class BrokerWithPaho {

    protected EmbeddedBroker broker;
    protected Paho paho;

    @BeforeEach
    void startBroker() throws Exception {
        broker = EmbeddedBroker.start();
        paho = new Paho(broker);
    }

    @AfterEach
    void stopBroker() {
        paho.close();
        broker.close();
    }
}
