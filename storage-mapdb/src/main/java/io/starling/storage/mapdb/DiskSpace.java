package io.starling.storage.mapdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the store file can take of its disk: the free space there plus what the file takes already. */
final class DiskSpace {

    private DiskSpace() {}

    static long available(Path storeFile) {
        Path absolute = storeFile.toAbsolutePath();
        // The directory may not exist yet: the nearest existing ancestor is on the same disk.
        Path existing = absolute.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            long file = Files.exists(absolute) ? Files.size(absolute) : 0;
            return Files.getFileStore(existing == null ? absolute.getRoot() : existing)
                            .getUsableSpace()
                    + file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + absolute.getParent(), e);
        }
    }
}
