package io.starling.testing;

/** Payloads that start with their message's number, so that order and loss can be read back from what arrives. */
public final class NumberedPayloads {

    private NumberedPayloads() {}

    /** {@code size} ASCII bytes: the number as six digits, then dots. */
    public static String of(int number, int size) {
        return String.format("%06d", number) + ".".repeat(size - 6);
    }
}
