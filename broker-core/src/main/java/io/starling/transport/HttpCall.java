package io.starling.transport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the routes behind {@link OperationsHttpServer} see it: copied out of
 * Netty's buffers, so that it may be answered later on another thread.
 *
 * @param method     GET, POST, DELETE, ...
 * @param path       the path as sent (percent-encoded), without the query
 * @param parameters the query's parameters, and those of a form-encoded body
 * @param headers    the headers by lower-case name (the first value of each)
 * @param remote     the client's address
 * @param secure     whether the connection is TLS
 */
public record HttpCall(
        String method,
        String path,
        Map<String, List<String>> parameters,
        Map<String, String> headers,
        InetSocketAddress remote,
        boolean secure) {

    /** The first value of the parameter, or null. */
    public String parameter(String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The header's value, or null; {@code name} in lower case. */
    public String header(String name) {
        return headers.get(name);
    }
}
