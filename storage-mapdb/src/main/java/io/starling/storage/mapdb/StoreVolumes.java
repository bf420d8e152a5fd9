package io.starling.storage.mapdb;

import org.mapdb.volume.FileChannelVol;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;

/**
 * Opens the store's files with plain file channels. Not memory-mapped: a full disk under a
 * mapped file kills the JVM with SIGBUS, while a channel write fails with an IOException the
 * writer can report and survive. The store file itself may be limited to max-size; its
 * write-ahead log files are not (they are emptied at every commit).
 */
final class StoreVolumes extends VolumeFactory {

    private final String storeFile;
    private final long maxSize;

    /** @param maxSize the store file's size limit in bytes, 0 for none */
    StoreVolumes(String storeFile, long maxSize) {
        this.storeFile = storeFile;
        this.maxSize = maxSize;
    }

    @Override
    public Volume makeVolume(String file, boolean readOnly, long fileLockWait, int sliceShift, long initSize,
                             boolean fixedSize) {
        Volume volume = FileChannelVol.FACTORY.makeVolume(file, readOnly, fileLockWait, sliceShift, initSize, fixedSize);
        return maxSize > 0 && file.equals(storeFile) ? new SizeLimitedVolume(volume, maxSize) : volume;
    }

    @Override
    public boolean exists(String file) {
        return FileChannelVol.FACTORY.exists(file);
    }

    @Override
    public boolean handlesReadonly() {
        return FileChannelVol.FACTORY.handlesReadonly();
    }
}
