package io.starling.auth;

import java.util.List;

/**
 * The parent of every plugin jar's class loader: it shows a plugin the JDK and the packages
 * a plugin is written against (the SPI, the config library, the logging API) and nothing
 * else of the broker, so a plugin cannot reach into the core's internals and its own
 * libraries cannot clash with the broker's (Netty, Logback).
 */
final class SpiOnlyClassLoader extends ClassLoader {

    static final List<String> SHARED_PACKAGES = List.of("io.starling.spi.", "com.typesafe.config.", "org.slf4j.");

    private final ClassLoader broker;

    SpiOnlyClassLoader(ClassLoader broker) {
        // The platform loader as parent: JDK classes and resources only, never the broker's class path.
        super("starling-spi", ClassLoader.getPlatformClassLoader());
        this.broker = broker;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        for (String shared : SHARED_PACKAGES) {
            if (name.startsWith(shared)) {
                return broker.loadClass(name);
            }
        }
        return super.loadClass(name, resolve);
    }
}
