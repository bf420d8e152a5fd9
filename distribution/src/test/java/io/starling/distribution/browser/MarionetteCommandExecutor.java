package io.starling.distribution.browser;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.remote.Command;
import org.openqa.selenium.remote.CommandExecutor;
import org.openqa.selenium.remote.DriverCommand;
import org.openqa.selenium.remote.Response;

/**
 * Selenium's commands sent straight to Firefox over its Marionette protocol, the protocol that
 * geckodriver translates WebDriver's HTTP into. Debian packages Firefox but not geckodriver, so
 * this stands in for it: Marionette already speaks WebDriver's commands ({@code WebDriver:*})
 * with WebDriver's parameters and results, each message framed as {@code length:json}. Only the
 * commands the dashboard's browser test uses are mapped; any other fails loudly.
 */
final class MarionetteCommandExecutor implements CommandExecutor {

    private static final Json JSON = new Json();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int nextId;

    MarionetteCommandExecutor(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        Map<String, Object> hello = JSON.toType(readFrame(), Json.MAP_TYPE);
        if (!"gecko".equals(hello.get("applicationType"))) {
            throw new IOException("not a Marionette server on port " + port + ": " + hello);
        }
    }

    @Override
    public Response execute(Command command) throws IOException {
        Map<String, ?> parameters = command.getParameters();
        Object result = switch (command.getName()) {
            case DriverCommand.NEW_SESSION ->
                send("WebDriver:NewSession", Map.of("capabilities", Map.of("alwaysMatch", Map.of())));
            case DriverCommand.GET -> send("WebDriver:Navigate", Map.of("url", parameters.get("url")));
            case DriverCommand.FIND_ELEMENT -> send("WebDriver:FindElement", locator(parameters));
            case DriverCommand.FIND_ELEMENTS -> send("WebDriver:FindElements", locator(parameters));
            case DriverCommand.FIND_CHILD_ELEMENT -> send("WebDriver:FindElement", childLocator(parameters));
            case DriverCommand.FIND_CHILD_ELEMENTS -> send("WebDriver:FindElements", childLocator(parameters));
            case DriverCommand.CLICK_ELEMENT -> send("WebDriver:ElementClick", element(parameters));
            case DriverCommand.CLEAR_ELEMENT -> send("WebDriver:ElementClear", element(parameters));
            case DriverCommand.SEND_KEYS_TO_ELEMENT ->
                send(
                        "WebDriver:ElementSendKeys",
                        Map.of("id", parameters.get("id"), "text", keys(parameters.get("value"))));
            case DriverCommand.GET_ELEMENT_TEXT -> send("WebDriver:GetElementText", element(parameters));
            case DriverCommand.IS_ELEMENT_DISPLAYED -> send("WebDriver:IsElementDisplayed", element(parameters));
            case DriverCommand.GET_ELEMENT_ATTRIBUTE -> attribute(parameters);
            case DriverCommand.SCREENSHOT -> send("WebDriver:TakeScreenshot", Map.of());
            case DriverCommand.QUIT -> quit();
            default ->
                throw new WebDriverException(
                        "the Marionette stand-in for geckodriver does not map " + command.getName());
        };
        Response response = new Response();
        response.setState("success");
        response.setStatus(0);
        if (DriverCommand.NEW_SESSION.equals(command.getName())) {
            Map<?, ?> session = (Map<?, ?>) result;
            response.setSessionId((String) session.get("sessionId"));
            response.setValue(session.get("capabilities"));
        } else {
            response.setSessionId(
                    command.getSessionId() == null
                            ? null
                            : command.getSessionId().toString());
            response.setValue(result);
        }
        return response;
    }

    /**
     * Selenium's strategies beyond WebDriver's five (id, name, class name) become CSS selectors,
     * as Selenium's own W3C codec does before it talks to a driver.
     */
    private static Map<String, Object> locator(Map<String, ?> parameters) {
        String using = (String) parameters.get("using");
        String value = (String) parameters.get("value");
        Map<String, Object> locator = new LinkedHashMap<>();
        switch (using) {
            case "id" -> {
                locator.put("using", "css selector");
                locator.put("value", "#" + cssIdentifier(value));
            }
            case "class name" -> {
                locator.put("using", "css selector");
                locator.put("value", "." + cssIdentifier(value));
            }
            case "name" -> {
                locator.put("using", "css selector");
                locator.put("value", "*[name=\"" + value.replace("\"", "\\\"") + "\"]");
            }
            default -> {
                locator.put("using", using);
                locator.put("value", value);
            }
        }
        return locator;
    }

    private static Map<String, Object> childLocator(Map<String, ?> parameters) {
        Map<String, Object> locator = locator(parameters);
        locator.put("element", parameters.get("id"));
        return locator;
    }

    private static String cssIdentifier(String value) {
        StringBuilder escaped = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (!Character.isLetterOrDigit(c) && c != '-' && c != '_') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    private static Map<String, Object> element(Map<String, ?> parameters) {
        return Map.of("id", parameters.get("id"));
    }

    private static String keys(Object value) {
        StringBuilder text = new StringBuilder();
        if (value instanceof CharSequence[] sequences) {
            for (CharSequence sequence : sequences) {
                text.append(sequence);
            }
        } else if (value instanceof List<?> list) {
            list.forEach(text::append);
        } else {
            text.append(value);
        }
        return text.toString();
    }

    /**
     * Selenium's getAttribute answers a property where one exists (an input's current value),
     * else the attribute; WebDriver keeps the two apart.
     */
    private Object attribute(Map<String, ?> parameters) throws IOException {
        Map<String, Object> query = Map.of("id", parameters.get("id"), "name", parameters.get("name"));
        Object property = send("WebDriver:GetElementProperty", query);
        return property != null ? String.valueOf(property) : send("WebDriver:GetElementAttribute", query);
    }

    private Object quit() throws IOException {
        try {
            // Ends the session with the browser (it refuses once the session is deleted).
            send("Marionette:Quit", Map.of());
        } finally {
            socket.close();
        }
        return null;
    }

    /** Sends one command and returns its result, unwrapped from WebDriver's {@code {"value": ...}}. */
    private synchronized Object send(String name, Map<String, ?> parameters) throws IOException {
        int id = ++nextId;
        byte[] body = JSON.toJson(List.of(0, id, name, parameters)).getBytes(StandardCharsets.UTF_8);
        out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        List<Object> reply = JSON.toType(readFrame(), List.class);
        if (((Number) reply.get(1)).intValue() != id) {
            throw new IOException("Marionette answered " + reply.get(1) + " to command " + id + " (" + name + ")");
        }
        if (reply.get(2) instanceof Map<?, ?> error) {
            String message = name + ": " + error.get("message");
            throw switch (String.valueOf(error.get("error"))) {
                case "no such element" -> new NoSuchElementException(message);
                case "stale element reference" -> new StaleElementReferenceException(message);
                default -> new WebDriverException(error.get("error") + ": " + message);
            };
        }
        Object result = reply.get(3);
        if (result instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("value")) {
            return map.get("value");
        }
        return result;
    }

    private String readFrame() throws IOException {
        int length = 0;
        for (int b = in.read(); b != ':'; b = in.read()) {
            if (b < '0' || b > '9') {
                throw new IOException("Marionette closed the connection or sent a bad frame");
            }
            length = length * 10 + (b - '0');
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new IOException("Marionette closed the connection mid-frame");
        }
        return new String(body, StandardCharsets.UTF_8);
    }
}
