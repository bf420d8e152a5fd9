package io.starling.distribution;

import java.util.HashMap;
import java.util.Map;

/** The environment the distribution's scripts run with in the tests. */
final class CleanEnvironment {

    private CleanEnvironment() {}

    /**
     * This JVM's environment without Starling's and the JVM's option variables (so the
     * developer's shell cannot change the outcome), JAVA_HOME set to this JVM, plus {@code extra}.
     */
    static Map<String, String> of(Map<String, String> extra) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment
                .keySet()
                .removeIf(name ->
                        name.startsWith("STARLING_") || name.equals("JAVA_OPTS") || name.equals("JAVA_TOOL_OPTIONS"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.putAll(extra);
        return environment;
    }
}
