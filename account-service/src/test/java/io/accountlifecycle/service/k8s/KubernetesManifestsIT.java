package io.accountlifecycle.service.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.kafka.KafkaConfiguration;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.roles.Roles;
import io.accountlifecycle.testsupport.RealKafka;
import io.accountlifecycle.testsupport.RealPostgres;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests under {@code k8s/} as {@code kubectl kustomize} renders them: every object read into its typed model
 * (fabric8's for core and Prometheus-operator kinds, Strimzi's own for KafkaTopic) with no field the model does not
 * know, CloudNativePG's Cluster by its fields; and the manifests agree with the running application: the probe paths
 * and ports answer, every configuration key they set is one the application reads, every role switch exists, every
 * metric an alert names is exported.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KubernetesManifestsIT {

    private static final Path K8S = Path.of("..", "k8s").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
            "ServiceAccount", ServiceAccount.class,
            "ConfigMap", ConfigMap.class,
            "Service", Service.class,
            "Deployment", Deployment.class,
            "PodDisruptionBudget", PodDisruptionBudget.class,
            "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "NetworkPolicy", NetworkPolicy.class,
            "KafkaTopic", KafkaTopic.class,
            "PrometheusRule", PrometheusRule.class);
    /** Role switch property → its environment variable in the manifests. */
    private static final List<String> ROLE_PROPERTIES = List.of(Roles.HTTP_COMMANDS, Roles.KAFKA_INTAKE,
                                                                Roles.EVENT_PUBLICATION, Roles.DELETION_SAGA,
                                                                Roles.PROJECTIONS);
    /** Environment variables the JVM reads, not Spring. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    @Value("${local.server.port}")
    int port;
    @Value("${local.management.port}")
    int managementPort;

    /** One rendered object: its raw fields and, for a kind with a model, the typed object. */
    record Rendered(Map<String, Object> raw, HasMetadata typed) {
        String kind() {
            return (String) raw.get("kind");
        }

        String name() {
            return (String) ((Map<?, ?>) raw.get("metadata")).get("name");
        }
    }

    private static List<Rendered> render(Path kustomization) throws IOException, InterruptedException {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", kustomization.toString())
                .redirectErrorStream(true).start();
        String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor()).as("kubectl kustomize %s:%n%s", kustomization, output).isZero();
        List<Rendered> objects = new ArrayList<>();
        for (Object document : new Yaml().loadAll(output)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> raw = (Map<String, Object>) document;
            String kind = (String) raw.get("kind");
            if (kind.equals("Cluster")) {
                objects.add(new Rendered(raw, null));
                continue;
            }
            Class<? extends HasMetadata> model = MODELS.get(kind);
            assertThat(model).as("a model for kind %s", kind).isNotNull();
            HasMetadata typed = JSON.convertValue(raw, model);
            assertThat(raw.get("apiVersion")).as("apiVersion of %s %s", kind, typed.getMetadata().getName())
                                             .isEqualTo(HasMetadata.getApiVersion(model));
            List<String> unknown = new ArrayList<>();
            unknownFields(typed, kind + "/" + typed.getMetadata().getName(), unknown);
            assertThat(unknown).as("fields the %s model does not have", kind).isEmpty();
            objects.add(new Rendered(raw, typed));
        }
        return objects;
    }

    /** Fields a model kept aside as "additional properties": misspelt or misplaced keys. */
    private static void unknownFields(Object value, String path, List<String> unknown) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknownFields(item, path + "." + key, unknown));
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value == null || !(value.getClass().getName().startsWith("io.fabric8.")
                               || value.getClass().getName().startsWith("io.strimzi."))) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                || getter.getDeclaringClass() == Object.class || getter.getName().equals("getClass")) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(field, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }

    private static <T> List<T> all(List<Rendered> objects, Class<T> type) {
        return objects.stream().map(Rendered::typed).filter(type::isInstance).map(type::cast).toList();
    }

    /** Every configuration key the application documents: Spring Boot's, its libraries' and its own metadata. */
    private static Set<String> knownEnvironmentNames() throws IOException {
        Set<String> names = new HashSet<>();
        for (Resource metadata : new PathMatchingResourcePatternResolver()
                .getResources("classpath*:META-INF/spring-configuration-metadata.json")) {
            try (InputStream in = metadata.getInputStream()) {
                for (var property : JSON.readTree(in).path("properties")) {
                    String name = property.get("name").asText();
                    names.add(environmentName(name));
                    // Relaxed binding's other form: a dash as an underscore (ACCOUNT_DATA_DIR for account.data-dir).
                    names.add(name.replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** A property's environment variable under Spring Boot's relaxed binding. */
    private static String environmentName(String property) {
        return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    @Test
    void everyOverlayRendersIntoValidObjects() throws Exception {
        for (String overlay : List.of("base", "overlays/small", "overlays/production")) {
            assertThat(render(K8S.resolve(overlay))).as(overlay).isNotEmpty();
        }
        // An existing Kafka and PostgreSQL instead of the operators': the component on top of production.
        Path external = Files.createDirectories(Path.of("target", "k8s-external").toAbsolutePath());
        Files.writeString(external.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                components:
                  - %s
                """.formatted(external.relativize(K8S.resolve("overlays/production")),
                              external.relativize(K8S.resolve("components/external-infrastructure"))));
        List<Rendered> rendered = render(external);
        assertThat(rendered).extracting(Rendered::kind).doesNotContain("Cluster", "KafkaTopic").contains("Deployment");
    }

    @Test
    void productionRunsEachRoleInItsOwnDeployment() throws Exception {
        List<Rendered> objects = render(K8S.resolve("overlays/production"));
        List<Deployment> deployments = all(objects, Deployment.class);
        Map<String, String> roleOf = new HashMap<>();
        for (Deployment deployment : deployments) {
            Map<String, String> switches = environment(deployment).entrySet().stream()
                    .filter(e -> e.getKey().endsWith("_ENABLED"))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(switches.keySet()).as("role switches of %s", name(deployment))
                                         .isEqualTo(ROLE_PROPERTIES.stream().map(KubernetesManifestsIT::environmentName)
                                                                   .collect(Collectors.toSet()));
            List<String> on = switches.entrySet().stream().filter(e -> e.getValue().equals("true"))
                                      .map(Map.Entry::getKey).toList();
            assertThat(on).as("roles on in %s", name(deployment)).hasSize(1);
            assertThat(switches.values()).allMatch(v -> v.equals("true") || v.equals("false"));
            roleOf.put(name(deployment), on.get(0));
        }
        assertThat(new HashSet<>(roleOf.values())).as("every role runs somewhere")
                                                  .hasSize(ROLE_PROPERTIES.size());

        // Each Service and PodDisruptionBudget selects exactly one role's pods; the HPA scales the intake.
        for (Service service : all(objects, Service.class)) {
            assertThat(selected(deployments, service.getSpec().getSelector())).as("pods of %s", name(service))
                                                                              .hasSize(1);
        }
        for (PodDisruptionBudget budget : all(objects, PodDisruptionBudget.class)) {
            assertThat(selected(deployments, budget.getSpec().getSelector().getMatchLabels()))
                    .as("pods of %s", name(budget)).hasSize(1);
        }
        HorizontalPodAutoscaler hpa = all(objects, HorizontalPodAutoscaler.class).get(0);
        String scaled = hpa.getSpec().getScaleTargetRef().getName();
        assertThat(roleOf.get(scaled)).isEqualTo(environmentName(Roles.KAFKA_INTAKE));
        KafkaTopic commands = topic(objects, KafkaTopics.COMMANDS);
        assertThat(hpa.getSpec().getMaxReplicas()).as("more consumers than partitions would idle")
                                                  .isLessThanOrEqualTo(commands.getSpec().getPartitions());
        for (NetworkPolicy policy : all(objects, NetworkPolicy.class)) {
            assertThat(selected(deployments, policy.getSpec().getPodSelector().getMatchLabels()))
                    .as("pods the network policy covers").hasSize(deployments.size());
        }
    }

    @Test
    void podsRunLockedDownWithSecretsFromSecrets() throws Exception {
        for (String overlay : List.of("overlays/small", "overlays/production")) {
            List<Rendered> objects = render(K8S.resolve(overlay));
            assertThat(objects).extracting(Rendered::kind).doesNotContain("Secret");
            for (ServiceAccount account : all(objects, ServiceAccount.class)) {
                assertThat(account.getAutomountServiceAccountToken()).isFalse();
            }
            for (ConfigMap config : all(objects, ConfigMap.class)) {
                assertThat(config.getData().keySet()).as("keys of ConfigMap %s", name(config))
                                                     .noneMatch(key -> key.matches(".*(PASSWORD|SECRET|KEY|ISSUER).*"));
            }
            for (Deployment deployment : all(objects, Deployment.class)) {
                PodSpec pod = deployment.getSpec().getTemplate().getSpec();
                assertThat(pod.getAutomountServiceAccountToken()).isFalse();
                assertThat(pod.getServiceAccountName()).isIn(all(objects, ServiceAccount.class).stream()
                                                                  .map(KubernetesManifestsIT::name).toList());
                assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
                Container container = pod.getContainers().get(0);
                assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(container.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
                assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits()).containsKey("memory");
                for (EnvVar variable : container.getEnv()) {
                    if (variable.getName().matches(".*(PASSWORD|MASTER_KEY|ISSUERURI).*")) {
                        assertThat(variable.getValueFrom().getSecretKeyRef()).as(variable.getName()).isNotNull();
                    }
                }
                // Migrations as the owner, queries as the least-privilege role.
                assertThat(container.getEnv()).filteredOn(v -> v.getName().equals("SPRING_FLYWAY_USER"))
                                              .singleElement()
                                              .satisfies(v -> assertThat(v.getValueFrom().getSecretKeyRef()
                                                                          .getName()).isEqualTo("account-db-owner"));
                assertThat(environment(objects, deployment)).containsEntry("SPRING_DATASOURCE_USERNAME",
                                                                           "account_app");
            }
        }
    }

    @Test
    void theManifestsAgreeWithTheApplication() throws Exception {
        Set<String> known = knownEnvironmentNames();
        String metrics = new HttpJson(managementPort).get("/actuator/prometheus").raw();
        for (String overlay : List.of("overlays/small", "overlays/production")) {
            List<Rendered> objects = render(K8S.resolve(overlay));
            for (Deployment deployment : all(objects, Deployment.class)) {
                Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
                Set<String> unread = new TreeSet<>(environment(objects, deployment).keySet());
                unread.removeAll(known);
                unread.removeAll(JVM_VARIABLES);
                assertThat(unread).as("variables %s sets that the application does not read", name(deployment))
                                  .isEmpty();

                // Probes: the paths answer on the port they name.
                Map<String, Integer> ports = container.getPorts().stream().collect(Collectors.toMap(
                        p -> p.getName(), p -> p.getContainerPort()));
                assertThat(ports).containsEntry("http", 8080).containsEntry("management", 8081);
                for (Probe probe : List.of(container.getLivenessProbe(), container.getReadinessProbe(),
                                           container.getStartupProbe())) {
                    HTTPGetAction get = probe.getHttpGet();
                    int containerPort = get.getPort().getIntVal() != null ? get.getPort().getIntVal()
                                                                          : ports.get(get.getPort().getStrVal());
                    int local = containerPort == 8081 ? managementPort : port;
                    assertThat(new HttpJson(local).get(get.getPath()).status())
                            .as("probe %s on port %d", get.getPath(), containerPort).isEqualTo(200);
                }
                assertThat(container.getLivenessProbe().getHttpGet().getPath())
                        .isEqualTo("/actuator/health/liveness");
                assertThat(container.getReadinessProbe().getHttpGet().getPath())
                        .isEqualTo("/actuator/health/readiness");
                Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
                assertThat(new HttpJson(annotations.get("prometheus.io/port").equals("8081") ? managementPort : port)
                                   .get(annotations.get("prometheus.io/path")).status()).isEqualTo(200);
            }

            // Topics: the ones the application uses, replicated, the event log kept forever.
            for (String name : List.of(KafkaTopics.COMMANDS, KafkaTopics.COMMANDS_DLT, KafkaTopics.COMMAND_RESULTS,
                                       KafkaTopics.EVENTS, KafkaTopics.KEYS)) {
                KafkaTopic topic = topic(objects, name);
                assertThat(topic.getSpec().getReplicas()).isEqualTo(3);
                assertThat(topic.getSpec().getConfig()).containsEntry("min.insync.replicas", 2);
            }
            assertThat(topic(objects, KafkaTopics.EVENTS).getSpec().getConfig())
                    .containsEntry("retention.ms", -1).containsEntry("retention.bytes", -1);
            // Command tokens are judged at the instant the broker appended the record, as the service declares it.
            assertThat(topic(objects, KafkaTopics.COMMANDS).getSpec().getConfig())
                    .containsEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name);
            // The keys as the service would declare them with its default bound.
            Map<String, Object> keys = topic(objects, KafkaTopics.KEYS).getSpec().getConfig();
            KafkaConfiguration.keyTopicConfig(java.time.Duration.ofDays(1)).forEach((name, value) ->
                    assertThat(String.valueOf(keys.get(name))).as("account.keys %s", name).isEqualTo(value));

            // The operators' resources are where the configuration points.
            Map<String, String> config = all(objects, ConfigMap.class).get(0).getData();
            String kafkaCluster = topic(objects, KafkaTopics.EVENTS).getMetadata().getLabels()
                                                                    .get("strimzi.io/cluster");
            assertThat(config.get("SPRING_KAFKA_BOOTSTRAP_SERVERS")).startsWith(kafkaCluster + "-kafka-bootstrap:");
            Map<String, Object> cluster = objects.stream().filter(o -> o.kind().equals("Cluster")).findFirst()
                                                 .orElseThrow().raw();
            assertThat(cluster.get("apiVersion")).isEqualTo("postgresql.cnpg.io/v1");
            Map<String, Object> spec = map(cluster, "spec");
            Map<String, Object> initdb = map(map(spec, "bootstrap"), "initdb");
            assertThat(config.get("SPRING_DATASOURCE_URL"))
                    .isEqualTo("jdbc:postgresql://" + map(cluster, "metadata").get("name") + "-rw:5432/"
                               + initdb.get("database"));
            assertThat(initdb.get("owner")).isEqualTo("account_owner");
            assertThat(map(initdb, "secret").get("name")).isEqualTo("account-db-owner");
            assertThat((Integer) spec.get("instances")).isPositive();
            assertThat(map(spec, "storage").get("size")).isNotNull();
            assertThat(spec.get("imageName")).asString().contains("postgresql:");

            // Every metric an alert names is one the application exports.
            PrometheusRule rules = all(objects, PrometheusRule.class).get(0);
            Set<String> alerts = new TreeSet<>();
            for (var group : rules.getSpec().getGroups()) {
                for (Rule rule : group.getRules()) {
                    alerts.add(rule.getAlert());
                    Matcher metric = Pattern.compile("\\baccount_[a-z_]+").matcher(rule.getExpr().getStrVal());
                    while (metric.find()) {
                        assertThat(metrics).as("metric %s of alert %s", metric.group(), rule.getAlert())
                                           .containsPattern("(?m)^" + metric.group() + "[{ ]");
                    }
                }
            }
            assertThat(alerts).contains("AccountDeletionRateSpike", "AccountDeletionBreakerOpen",
                                        "AccountEventPublicationLag", "AccountProjectionDeadLetters",
                                        "AccountProjectionStalled");
        }
    }

    private static KafkaTopic topic(List<Rendered> objects, String name) {
        return all(objects, KafkaTopic.class).stream().filter(t -> name.equals(t.getSpec().getTopicName()))
                                             .findFirst().orElseThrow(() -> new AssertionError("no topic " + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static String name(HasMetadata object) {
        return object.getMetadata().getName();
    }

    private static List<Deployment> selected(List<Deployment> deployments, Map<String, String> selector) {
        return deployments.stream().filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                                                 .containsAll(selector.entrySet())).toList();
    }

    /** The container's own variables (values; a reference counts as set). */
    private static Map<String, String> environment(Deployment deployment) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (EnvVar variable : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            variables.put(variable.getName(), variable.getValue() == null ? "<reference>" : variable.getValue());
        }
        return variables;
    }

    /** The container's variables including those from the ConfigMaps it takes whole. */
    private static Map<String, String> environment(List<Rendered> objects, Deployment deployment) {
        Map<String, String> variables = new LinkedHashMap<>();
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        for (var source : container.getEnvFrom()) {
            String name = source.getConfigMapRef().getName();
            ConfigMap config = all(objects, ConfigMap.class).stream().filter(c -> name(c).equals(name)).findFirst()
                                                            .orElseThrow(() -> new AssertionError("no ConfigMap "
                                                                                                  + name));
            variables.putAll(config.getData());
        }
        variables.putAll(environment(deployment));
        return variables;
    }
}
