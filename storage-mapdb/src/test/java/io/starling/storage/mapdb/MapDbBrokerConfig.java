package io.starling.storage.mapdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The configuration file of a broker process on 127.0.0.1, free ports, with its MapDB store under a directory. */
final class MapDbBrokerConfig {

    private MapDbBrokerConfig() {}

    /** Writes {@code directory/starling.conf} (the store in {@code directory/data}) with the extra lines; returns its path. */
    static Path write(Path directory, String... extraLines) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "starling.listener.host = \"127.0.0.1\"",
                "starling.listener.port = 0",
                "starling.http.host = \"127.0.0.1\"",
                "starling.http.port = 0",
                "starling.storage.type = mapdb",
                "starling.storage.mapdb.directory = \"" + directory.resolve("data") + "\""));
        lines.addAll(List.of(extraLines));
        lines.add("");
        return Files.writeString(directory.resolve("starling.conf"), String.join("\n", lines));
    }
}
