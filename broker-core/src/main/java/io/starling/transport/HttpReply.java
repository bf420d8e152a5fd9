package io.starling.transport;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to an {@link HttpCall}.
 *
 * @param status      the HTTP status code
 * @param contentType the Content-Type header
 * @param body        the body
 * @param headers     further headers (Set-Cookie, Location, ...)
 */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static HttpReply json(int status, String json) {
        return new HttpReply(
                status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The same reply with one more header. */
    public HttpReply with(String header, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(header, value);
        return new HttpReply(status, contentType, body, more);
    }
}
