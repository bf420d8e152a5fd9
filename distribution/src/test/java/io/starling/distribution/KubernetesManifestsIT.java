package io.starling.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.config.BrokerConfig;
import io.starling.config.ConfigLoader;
import io.starling.config.EnvironmentSettings;
import io.starling.testing.ExternalTool;
import io.starling.testing.TestProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes example ({@code examples/kubernetes/}) checked offline: {@code kubectl kustomize}
 * (Debian's kubernetes-client, no cluster needed) renders it as {@code kubectl apply -k} would
 * send it, and the rendered objects must fit together: the StatefulSet's members found through
 * the headless service's DNS name at the member port, selectors matching the pods, readiness on
 * /health, one volume per node at data/, a disruption budget of one pod, and every STARLING_
 * variable a real setting with a valid value.
 */
class KubernetesManifestsIT {

    private static final String NAMES = "STARLING_CLUSTER_HAZELCAST_MEMBERS_DNS_NAMES";
    private static final String PORTS = "STARLING_CLUSTER_HAZELCAST_MEMBERS_DNS_PORTS";

    private static final Map<String, Map<String, Object>> objects = new HashMap<>();

    @BeforeAll
    static void renderWithKubectl() throws Exception {
        Path manifests = Path.of(DistributionZip.property("distribution.pom"))
                .toAbsolutePath()
                .getParent()
                .getParent()
                .resolve("examples/kubernetes");
        String rendered;
        try (TestProcess kubectl = TestProcess.start(
                List.of(ExternalTool.require("kubectl"), "kustomize", manifests.toString()),
                manifests,
                System.getenv())) {
            assertEquals(0, kubectl.awaitExit(Duration.ofMinutes(1)), kubectl.output());
            rendered = kubectl.output();
        }
        for (Object document : new Yaml().loadAll(rendered)) {
            Map<String, Object> object = map(document);
            objects.put(object.get("kind") + "/" + map(object.get("metadata")).get("name"), object);
        }
    }

    @Test
    void theObjectsAreThoseOfTheExample() {
        assertEquals(
                List.of(
                        "PodDisruptionBudget/starling",
                        "Service/starling",
                        "Service/starling-members",
                        "StatefulSet/starling"),
                objects.keySet().stream().sorted().toList());
        assertEquals("apps/v1", object("StatefulSet/starling").get("apiVersion"));
        assertEquals("policy/v1", object("PodDisruptionBudget/starling").get("apiVersion"));
    }

    @Test
    void theMembersFindEachOtherThroughTheHeadlessService() {
        Map<String, Object> members = spec("Service/starling-members");
        assertEquals("None", members.get("clusterIP"));
        // A starting pod resolves the others (and they it) before it is ready.
        assertEquals(true, members.get("publishNotReadyAddresses"));
        Map<String, Object> statefulSet = spec("StatefulSet/starling");
        assertEquals("starling-members", statefulSet.get("serviceName"));

        Map<String, String> env = environment();
        assertEquals("[\"starling-members\"]", env.get(NAMES));
        int memberPort = containerPort("hazelcast");
        assertEquals("[" + memberPort + "]", env.get(PORTS));
        assertEquals(Integer.toString(memberPort), env.get("STARLING_CLUSTER_HAZELCAST_MEMBER_PORT"));
        assertEquals("$(POD_IP)", env.get("STARLING_CLUSTER_HAZELCAST_MEMBER_HOST"));
        assertEquals("hazelcast", map(list(members.get("ports")).get(0)).get("targetPort"));
    }

    @Test
    void everySelectorMatchesThePods() {
        Map<String, Object> podLabels =
                map(map(spec("StatefulSet/starling").get("template")).get("metadata"));
        Object labels = podLabels.get("labels");
        assertEquals(labels, map(spec("StatefulSet/starling").get("selector")).get("matchLabels"));
        assertEquals(
                labels,
                map(spec("PodDisruptionBudget/starling").get("selector")).get("matchLabels"));
        assertEquals(labels, spec("Service/starling").get("selector"));
        assertEquals(labels, spec("Service/starling-members").get("selector"));
        assertEquals(
                "mqtt", map(list(spec("Service/starling").get("ports")).get(0)).get("targetPort"));
        containerPort("mqtt");
    }

    @Test
    void aRollingUpdateMovesOneReadyNodeAtATime() {
        Map<String, Object> statefulSet = spec("StatefulSet/starling");
        assertEquals("RollingUpdate", map(statefulSet.get("updateStrategy")).get("type"));
        assertEquals(1, spec("PodDisruptionBudget/starling").get("maxUnavailable"));
        Map<String, Object> readiness = map(container().get("readinessProbe"));
        Map<String, Object> get = map(readiness.get("httpGet"));
        assertEquals("/health", get.get("path"));
        int httpPort =
                BrokerConfig.from(ConfigLoader.load(null, Map.of())).http().port();
        assertEquals(httpPort, containerPort((String) get.get("port")));
        // Time for the hand-over of a stopping node's sessions (SIGTERM; at most three request
        // timeouts) before SIGKILL.
        long handOver = ConfigLoader.load(null, Map.of())
                .getDuration("starling.cluster.hazelcast.request-timeout")
                .multipliedBy(3)
                .toSeconds();
        int grace = (Integer) map(map(statefulSet.get("template")).get("spec")).get("terminationGracePeriodSeconds");
        assertTrue(grace > handOver, grace + " s of grace");
    }

    @Test
    void eachNodeHasItsOwnVolumeForItsStore() {
        Map<String, Object> claim = map(
                list(spec("StatefulSet/starling").get("volumeClaimTemplates")).get(0));
        String name = (String) map(claim.get("metadata")).get("name");
        Map<String, Object> mount = list(container().get("volumeMounts")).stream()
                .map(KubernetesManifestsIT::map)
                .filter(m -> name.equals(m.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no mount of the volume " + name));
        assertEquals("/opt/starling/data", mount.get("mountPath"));
        assertEquals("mapdb", environment().get("STARLING_STORAGE_TYPE"));
        Map<String, Object> security =
                map(map(map(spec("StatefulSet/starling").get("template")).get("spec"))
                        .get("securityContext"));
        assertEquals(true, security.get("runAsNonRoot"));
    }

    @Test
    void everyStarlingVariableIsAValidSetting() {
        Map<String, String> env = new HashMap<>(environment());
        env.replaceAll((name, value) -> value.replace("$(POD_IP)", "10.1.2.3"));
        // Refuses unknown keys and bad values as the broker would at start-up.
        BrokerConfig.from(ConfigLoader.load(null, env));
        // A misspelt name would be ignored (the broker reads only the names of its keys).
        Set<String> settings = ConfigLoader.load(null, Map.of()).withOnlyPath("starling").entrySet().stream()
                .map(entry -> EnvironmentSettings.variableName(entry.getKey()))
                .collect(Collectors.toSet());
        for (String name : env.keySet()) {
            if (name.startsWith("STARLING_")) {
                assertTrue(settings.contains(name), name + " sets nothing");
            }
        }
    }

    private static Map<String, Object> object(String key) {
        Map<String, Object> object = objects.get(key);
        if (object == null) {
            throw new AssertionError("kubectl kustomize rendered no " + key + ": " + objects.keySet());
        }
        return object;
    }

    private static Map<String, Object> spec(String key) {
        return map(object(key).get("spec"));
    }

    private static Map<String, Object> container() {
        Map<String, Object> pod =
                map(map(spec("StatefulSet/starling").get("template")).get("spec"));
        return map(list(pod.get("containers")).get(0));
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        for (Object entry : list(container().get("env"))) {
            Map<String, Object> variable = map(entry);
            if (variable.containsKey("value")) {
                env.put((String) variable.get("name"), String.valueOf(variable.get("value")));
            }
        }
        return env;
    }

    private static int containerPort(String name) {
        for (Object entry : list(container().get("ports"))) {
            Map<String, Object> port = map(entry);
            if (name.equals(port.get("name"))) {
                return (Integer) port.get("containerPort");
            }
        }
        throw new AssertionError("the container has no port named " + name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertTrue(value instanceof Map, "not a mapping: " + value);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertTrue(value instanceof List, "not a list: " + value);
        return new ArrayList<>((List<Object>) value);
    }
}
