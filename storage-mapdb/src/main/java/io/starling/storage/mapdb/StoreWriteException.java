package io.starling.storage.mapdb;

/** A write could not be made durable (disk full, I/O error); nothing of it was kept. */
public final class StoreWriteException extends RuntimeException {

    StoreWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
