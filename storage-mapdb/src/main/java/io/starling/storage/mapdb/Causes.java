package io.starling.storage.mapdb;

/** Reading MapDB's exceptions, which often wrap the useful message (an IOException's) without repeating it. */
final class Causes {

    private Causes() {}

    /** The message of the innermost cause, or its class name when it has none. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
