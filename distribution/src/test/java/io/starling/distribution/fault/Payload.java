package io.starling.distribution.fault;

import static java.nio.charset.StandardCharsets.UTF_8;

/** A published message's identity, which is its whole payload: {@code p<publisher>-<seq>}. */
record Payload(int publisher, int seq) {

    byte[] bytes() {
        return ("p" + publisher + "-" + seq).getBytes(UTF_8);
    }

    /** The payload's identity; fails on anything the run did not publish (it would be a broker bug). */
    static Payload parse(byte[] payload) {
        String text = new String(payload, UTF_8);
        int dash = text.indexOf('-');
        if (!text.startsWith("p") || dash < 0) {
            throw new IllegalArgumentException("not a fault-run payload: " + text);
        }
        return new Payload(Integer.parseInt(text.substring(1, dash)), Integer.parseInt(text.substring(dash + 1)));
    }

    @Override
    public String toString() {
        return "p" + publisher + "-" + seq;
    }
}
