package io.starling.storage.mapdb;

/** The store cannot be opened; the message names the file, the reason and the way out. */
public final class StoreUnavailableException extends RuntimeException {

    StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
