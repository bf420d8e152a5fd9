package io.starling.storage.mapdb;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.mapdb.DBException;
import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;

/**
 * A file volume that refuses to grow beyond a size, failing as a full disk does (an I/O error
 * when the file must be extended). MapDB reuses freed space without growing the file, so
 * writes succeed again once enough data was removed. Everything else is delegated.
 */
final class SizeLimitedVolume extends Volume {

    private final Volume file;
    private final long maxSize;

    SizeLimitedVolume(Volume file, long maxSize) {
        this.file = file;
        this.maxSize = maxSize;
    }

    @Override
    public void ensureAvailable(long offset) {
        if (offset > maxSize) {
            throw new DBException.VolumeIOError(new IOException("No space left: " + file.getFile()
                + " would grow to " + offset + " bytes, beyond max-size " + maxSize));
        }
        file.ensureAvailable(offset);
    }

    @Override
    public void truncate(long size) {
        file.truncate(size);
    }

    @Override
    public void putLong(long offset, long value) {
        file.putLong(offset, value);
    }

    @Override
    public void putInt(long offset, int value) {
        file.putInt(offset, value);
    }

    @Override
    public void putByte(long offset, byte value) {
        file.putByte(offset, value);
    }

    @Override
    public void putData(long offset, byte[] src, int srcPos, int srcSize) {
        file.putData(offset, src, srcPos, srcSize);
    }

    @Override
    public void putData(long offset, ByteBuffer buf) {
        file.putData(offset, buf);
    }

    @Override
    public long getLong(long offset) {
        return file.getLong(offset);
    }

    @Override
    public int getInt(long offset) {
        return file.getInt(offset);
    }

    @Override
    public byte getByte(long offset) {
        return file.getByte(offset);
    }

    @Override
    public DataInput2 getDataInput(long offset, int size) {
        return file.getDataInput(offset, size);
    }

    @Override
    public void getData(long offset, byte[] bytes, int bytesPos, int size) {
        file.getData(offset, bytes, bytesPos, size);
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public boolean isClosed() {
        return file.isClosed();
    }

    @Override
    public void sync() {
        file.sync();
    }

    @Override
    public int sliceSize() {
        return file.sliceSize();
    }

    @Override
    public boolean isSliced() {
        return file.isSliced();
    }

    @Override
    public long length() {
        return file.length();
    }

    @Override
    public boolean isReadOnly() {
        return file.isReadOnly();
    }

    @Override
    public File getFile() {
        return file.getFile();
    }

    @Override
    public boolean getFileLocked() {
        return file.getFileLocked();
    }

    @Override
    public void clear(long startOffset, long endOffset) {
        file.clear(startOffset, endOffset);
    }
}
