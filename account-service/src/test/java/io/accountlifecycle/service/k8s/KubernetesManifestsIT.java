package io.accountlifecycle.service.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountlifecycle.service.HttpJson;
import io.accountlifecycle.service.kafka.KafkaConfiguration;
import io.accountlifecycle.service.kafka.KafkaTopics;
import io.accountlifecycle.service.recovery.RotateMasterKeyCommand;
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
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
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
import java.util.Arrays;
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
 * (fabric8's for core and Prometheus-operator kinds, Strimzi's own for KafkaTopic and KafkaUser) with no field the
 * model does not know, CloudNativePG's Cluster by its fields; and the manifests agree with the running application:
 * the probe paths and ports answer, every configuration key they set is one the application reads, every role switch
 * exists, every metric an alert names is exported. Only the migration Job holds the database owner's credentials,
 * and only account-service may write the topics a restore trusts.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KubernetesManifestsIT {

    private static final Path K8S = Path.of("..", "k8s").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.ofEntries(
            Map.entry("ServiceAccount", ServiceAccount.class),
            Map.entry("ConfigMap", ConfigMap.class),
            Map.entry("Service", Service.class),
            Map.entry("Deployment", Deployment.class),
            Map.entry("Job", Job.class),
            Map.entry("PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("NetworkPolicy", NetworkPolicy.class),
            Map.entry("KafkaTopic", KafkaTopic.class),
            Map.entry("KafkaUser", KafkaUser.class),
            Map.entry("PrometheusRule", PrometheusRule.class));
    /** The database owner's Secret: it can disable the event table's triggers, so only the migration Job holds it. */
    private static final String OWNER_SECRET = "account-db-owner";
    private static final String MIGRATION_JOB_PREFIX = "account-service-migrate-";
    /** The master-key rotation, a Job applied on purpose, and its name. */
    private static final String ROTATION = "jobs/rotate-master-key";
    private static final String ROTATION_JOB = "account-service-rotate-master-key";
    /** Every shape the repository ships; "external" is production with the external-infrastructure component. */
    private static final List<String> INSTALLATIONS = List.of("base", "overlays/small", "overlays/production",
                                                              "external");
    /** Role switch property → its environment variable in the manifests. */
    private static final List<String> ROLE_PROPERTIES = List.of(Roles.HTTP_COMMANDS, Roles.KAFKA_INTAKE,
                                                                Roles.EVENT_PUBLICATION, Roles.DELETION_SAGA,
                                                                Roles.PROJECTIONS);
    /** Environment variables the JVM reads, not Spring. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
    /**
     * Map-valued properties, whose keys no metadata lists: under relaxed binding each variable below one is a key of
     * it ({@code SPRING_KAFKA_PROPERTIES_SASL_MECHANISM} is {@code sasl.mechanism} of {@code spring.kafka.properties}).
     */
    private static final List<String> MAP_VARIABLE_PREFIXES = List.of(
            "SPRING_KAFKA_PROPERTIES_",
            // Map-keyed by the registration id, "console" (ConsoleMode, ExternalConsoleRegistration).
            "SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_CONSOLE_", "SPRING_SECURITY_OAUTH2_CLIENT_PROVIDER_CONSOLE_");

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

    /** One of {@link #INSTALLATIONS}, or any other folder under {@code k8s/}. */
    private static List<Rendered> render(String installation) throws IOException, InterruptedException {
        if (!installation.equals("external")) {
            return render(K8S.resolve(installation));
        }
        return render(overlay("k8s-external", """
                resources:
                  - %s
                components:
                  - %s
                """, "overlays/production", "components/external-infrastructure"));
    }

    /** A kustomization of the test's own under target/, {@code body}'s %s filled with paths under {@code k8s/}. */
    private static Path overlay(String name, String body, String... paths) throws IOException {
        Path folder = Files.createDirectories(Path.of("target", name).toAbsolutePath());
        Object[] relative = Arrays.stream(paths).map(path -> folder.relativize(K8S.resolve(path)).toString())
                                  .toArray();
        Files.writeString(folder.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                """ + body.formatted(relative));
        return folder;
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
        for (String overlay : List.of("base", "overlays/small", "overlays/production", "jobs/restore",
                                      "jobs/verify", ROTATION)) {
            assertThat(render(overlay)).as(overlay).isNotEmpty();
        }
        // An existing Kafka and PostgreSQL instead of the operators': the component on top of production.
        assertThat(render("external")).extracting(Rendered::kind)
                                      .doesNotContain("Cluster", "KafkaTopic", "KafkaUser")
                                      .contains("Deployment", "Job");
    }

    @Test
    void productionRunsEachRoleInItsOwnDeployment() throws Exception {
        List<Rendered> objects = render("overlays/production");
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
        Deployment intake = deployments.stream().filter(d -> name(d).equals(scaled)).findFirst().orElseThrow();
        int consumersPerPod = Integer.parseInt(environment(intake).getOrDefault(
                environmentName("account.kafka.intake.concurrency"), "1"));
        assertThat(hpa.getSpec().getMaxReplicas() * consumersPerPod).as("more consumers than partitions would idle")
                                                                    .isLessThanOrEqualTo(
                                                                            commands.getSpec().getPartitions());
        assertThat(all(objects, NetworkPolicy.class)).filteredOn(policy -> name(policy).equals("account-service"))
                                                     .singleElement()
                                                     .satisfies(policy -> assertThat(selected(
                                                             deployments,
                                                             policy.getSpec().getPodSelector().getMatchLabels()))
                                                             .as("pods the network policy covers")
                                                             .hasSize(deployments.size()));
    }

    /**
     * Replicas share a processor's segments, and one beyond the segment count idles: the profile the ConfigMap sets
     * gives each processor of a scaled role a segment for every replica. Without it (the embedded default, one
     * instance) each processor has one segment, as each segment commits its own transactions.
     */
    @Test
    void scaledProcessorsHaveASegmentForEveryReplica() throws Exception {
        Map<String, List<String>> processorsOf = Map.of(
                environmentName(Roles.EVENT_PUBLICATION), List.of("account-events-publisher"),
                environmentName(Roles.PROJECTIONS), List.of("account-summary", "account-timeline", "audit-log"),
                environmentName(Roles.DELETION_SAGA), List.of("AccountPurgeSagaProcessor"));
        List<Rendered> objects = render("overlays/production");
        String profiles = all(objects, ConfigMap.class).get(0).getData().get("SPRING_PROFILES_ACTIVE");
        assertThat(profiles).as("the ConfigMap's profiles").isNotBlank();
        StandardEnvironment scaled = configuration(profiles.split(","));
        StandardEnvironment single = configuration();
        int checked = 0;
        for (Deployment deployment : all(objects, Deployment.class)) {
            List<String> on = environment(deployment).entrySet().stream()
                                                     .filter(e -> e.getKey().endsWith("_ENABLED")
                                                                  && e.getValue().equals("true"))
                                                     .map(Map.Entry::getKey).toList();
            for (String processor : on.stream().flatMap(role -> processorsOf.getOrDefault(role, List.of()).stream())
                                      .toList()) {
                assertThat(segments(scaled, processor)).as("segments of %s for the %d replicas of %s", processor,
                                                            deployment.getSpec().getReplicas(), name(deployment))
                                                        .isGreaterThanOrEqualTo(deployment.getSpec().getReplicas());
                assertThat(segments(single, processor)).as("segments of %s on one instance", processor).isOne();
                checked++;
            }
        }
        assertThat(checked).isEqualTo(5);
    }

    /** The application's own configuration files as Spring Boot reads them with these profiles active. */
    private static StandardEnvironment configuration(String... profiles) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        YamlPropertySourceLoader loader = new YamlPropertySourceLoader();
        // The last profile named wins, and any profile over application.yml.
        for (int i = profiles.length - 1; i >= 0; i--) {
            String file = "application-" + profiles[i].strip() + ".yml";
            ClassPathResource resource = new ClassPathResource(file);
            assertThat(resource.exists()).as(file).isTrue();
            loader.load(file, resource).forEach(environment.getPropertySources()::addLast);
        }
        loader.load("application.yml", new ClassPathResource("application.yml"))
              .forEach(environment.getPropertySources()::addLast);
        return environment;
    }

    private static int segments(StandardEnvironment environment, String processor) {
        return environment.getProperty("axon.eventhandling.processors." + processor + ".initial-segment-count",
                                       Integer.class, 1);
    }

    @Test
    void podsRunLockedDownWithSecretsFromSecrets() throws Exception {
        for (String overlay : List.of("overlays/small", "overlays/production", "jobs/restore", "jobs/verify",
                                      ROTATION)) {
            List<Rendered> objects = render(overlay);
            assertThat(objects).extracting(Rendered::kind).doesNotContain("Secret");
            for (ServiceAccount account : all(objects, ServiceAccount.class)) {
                assertThat(account.getAutomountServiceAccountToken()).isFalse();
            }
            for (ConfigMap config : all(objects, ConfigMap.class)) {
                assertThat(config.getData().keySet()).as("keys of ConfigMap %s", name(config))
                                                     .noneMatch(key -> key.matches(".*(PASSWORD|SECRET|KEY|ISSUER).*"));
            }
            for (Workload workload : workloads(objects)) {
                PodSpec pod = workload.pod();
                assertThat(pod.getAutomountServiceAccountToken()).as(workload.name()).isFalse();
                assertThat(pod.getServiceAccountName()).isEqualTo("account-service");
                assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
                // One container a pod; the rotation Job's second holds the new keyset for the operator.
                assertThat(pod.getContainers()).as(workload.name())
                                               .hasSize(workload.name().equals(ROTATION_JOB) ? 2 : 1);
                for (Container container : pod.getContainers()) {
                    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                    assertThat(container.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
                    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
                    assertThat(container.getResources().getLimits()).containsKey("memory");
                    for (EnvVar variable : container.getEnv()) {
                        if (variable.getName().matches(".*(PASSWORD|MASTER_KEY|ISSUERURI|JAAS|CERTIFICATES).*")) {
                            assertThat(variable.getValueFrom().getSecretKeyRef()).as(variable.getName())
                                                                                 .isNotNull();
                        }
                    }
                }
            }
            for (Deployment deployment : all(objects, Deployment.class)) {
                assertThat(environment(objects, deployment)).containsEntry("SPRING_DATASOURCE_USERNAME",
                                                                           "account_app");
            }
        }
        // A Job's pods run as locked down as the service's.
        Deployment service = all(render("base"), Deployment.class).get(0);
        PodSpec servicePod = service.getSpec().getTemplate().getSpec();
        for (String overlay : List.of("base", "jobs/restore", "jobs/verify", ROTATION)) {
            for (Job job : all(render(overlay), Job.class)) {
                PodSpec pod = job.getSpec().getTemplate().getSpec();
                assertThat(pod.getSecurityContext()).as(name(job)).isEqualTo(servicePod.getSecurityContext());
                assertThat(pod.getContainers()).extracting(Container::getSecurityContext)
                                               .containsOnly(servicePod.getContainers().get(0).getSecurityContext());
                assertThat(pod.getRestartPolicy()).isEqualTo("Never");
                if (!name(job).equals(ROTATION_JOB)) { // never retried (theRotationJobHoldsWhatARotationNeeds…)
                    assertThat(job.getSpec().getBackoffLimit()).isPositive();
                }
                assertThat(job.getSpec().getTtlSecondsAfterFinished()).isPositive();
            }
        }
    }

    /**
     * The role serving {@code /accounts/**} signs purge certificates with a key from a Secret, mounted read-only where
     * {@code ACCOUNT_PURGECERTIFICATE_KEYFILE} points, in every installation; no variable carries the key itself.
     */
    @Test
    void theApiRoleReadsThePurgeCertificateKeyFromAMountedSecret() throws Exception {
        for (String installation : List.of("overlays/small", "overlays/production")) {
            List<Rendered> objects = render(installation);
            List<Deployment> api = all(objects, Deployment.class).stream()
                    .filter(d -> "true".equals(environment(objects, d).get("ACCOUNT_HTTP_COMMANDS_ENABLED"))).toList();
            assertThat(api).as("deployments serving /accounts/** in %s", installation).isNotEmpty();
            for (Deployment deployment : api) {
                PodSpec pod = deployment.getSpec().getTemplate().getSpec();
                String keyFile = environment(objects, deployment).get("ACCOUNT_PURGECERTIFICATE_KEYFILE");
                assertThat(keyFile).as("key file of %s", name(deployment)).isNotNull();
                var volume = pod.getVolumes().stream().filter(v -> v.getSecret() != null && v.getSecret()
                        .getSecretName().equals("account-purge-certificate")).findFirst().orElseThrow();
                assertThat(pod.getContainers().get(0).getVolumeMounts())
                        .anySatisfy(mount -> {
                            assertThat(mount.getName()).isEqualTo(volume.getName());
                            assertThat(mount.getReadOnly()).isTrue();
                            assertThat(keyFile).startsWith(mount.getMountPath() + "/");
                        });
            }
        }
    }

    /**
     * Running pods never hold the owner's credentials: in every installation the migration Job, running
     * {@code migrate}, is the one workload that references the owner's Secret, and no Deployment sets a Flyway
     * variable. Outside the installations, only the restore Job (it migrates the empty database it restores into)
     * and the master-key rotation Job (it rewrites data keys) hold it; {@code verify} runs as account_app.
     */
    @Test
    void onlyTheMigrationJobHoldsTheOwnersCredentials() throws Exception {
        for (String installation : INSTALLATIONS) {
            List<Rendered> objects = render(installation);
            List<Workload> holders = workloads(objects).stream()
                                                       .filter(w -> referencedSecrets(w.pod()).contains(OWNER_SECRET))
                                                       .toList();
            assertThat(holders).as("workloads of %s holding %s", installation, OWNER_SECRET)
                               .extracting(Workload::name).singleElement().asString()
                               .startsWith(MIGRATION_JOB_PREFIX);
            Job migration = migrationJob(objects);
            assertThat(migration.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                    .containsExactly("migrate");
            assertThat(environment(migration.getSpec().getTemplate().getSpec().getContainers().get(0)))
                    .containsKeys("SPRING_FLYWAY_USER", "SPRING_FLYWAY_PASSWORD");
            for (Deployment deployment : all(objects, Deployment.class)) {
                assertThat(referencedSecrets(deployment.getSpec().getTemplate().getSpec()))
                        .as("Secrets of %s in %s", name(deployment), installation).doesNotContain(OWNER_SECRET)
                        .contains("account-db-app");
                assertThat(environment(objects, deployment).keySet()).as("variables of %s", name(deployment))
                                                                     .noneMatch(v -> v.startsWith("SPRING_FLYWAY_"));
            }
        }
        Job restore = all(render("jobs/restore"), Job.class).get(0);
        assertThat(restore.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("restore");
        assertThat(referencedSecrets(restore.getSpec().getTemplate().getSpec())).contains(OWNER_SECRET);
        Job verify = all(render("jobs/verify"), Job.class).get(0);
        assertThat(verify.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("verify");
        assertThat(referencedSecrets(verify.getSpec().getTemplate().getSpec())).doesNotContain(OWNER_SECRET)
                                                                               .contains("account-db-app");
        Job rotation = all(render(ROTATION), Job.class).get(0);
        assertThat(referencedSecrets(rotation.getSpec().getTemplate().getSpec())).contains(OWNER_SECRET);
        // The one-off Jobs run the image the installation runs.
        String image = image(all(render("overlays/production"), Deployment.class).get(0));
        assertThat(List.of(restore, verify, rotation))
                .flatExtracting(job -> job.getSpec().getTemplate().getSpec().getContainers())
                .extracting(Container::getImage).containsOnly(image);
    }

    /**
     * {@code rotate-master-key} rewrites data keys as the owner, sends them to account.keys as account-service, and
     * migrates at start as any process holding the owner does: its Job holds the owner's credentials with the
     * migration Job's placeholders (a repeatable migration runs again when they change, the analyst's then turning
     * its login off), the master key, the issuer the configuration requires, and the service's Kafka user; nothing
     * else, not the data source's account_app password (it connects as the owner). The new keyset goes to a
     * memory-backed volume, in a folder of its own (the command makes that folder owner-only, and the volume's root
     * is root's), which a second container without any credential keeps until the operator has taken it: no retry,
     * no deadline ends the pod before.
     */
    @Test
    void theRotationJobHoldsWhatARotationNeedsAndKeepsTheNewKeysetUntilTaken() throws Exception {
        Job job = only(all(render(ROTATION), Job.class).stream());
        assertThat(name(job)).isEqualTo(ROTATION_JOB);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container rotation = container(pod, "rotate-master-key");
        assertThat(rotation.getArgs().get(0)).isEqualTo(RotateMasterKeyCommand.NAME);
        assertThat(rotation.getArgs()).doesNotContain("--rewrap-only", "--destroy-retired");
        assertThat(secretKeys(rotation)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "SPRING_FLYWAY_USER", OWNER_SECRET + "/username",
                "SPRING_FLYWAY_PASSWORD", OWNER_SECRET + "/password",
                "ACCOUNT_DB_APP_PASSWORD", "account-db-app/password",
                "ACCOUNT_DB_ANALYST_PASSWORD", "account-db-analyst/password",
                "ACCOUNT_CRYPTO_MASTER_KEY", "account-crypto/master-key",
                "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI", "account-tokens/issuer-uri",
                "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "account-service/sasl.jaas.config",
                "SPRING_KAFKA_SSL_TRUSTSTORECERTIFICATES", "account-kafka-cluster-ca-cert/ca.crt"));
        assertThat(referencedSecrets(pod)).as("every Secret the pod can read")
                                          .containsExactlyInAnyOrder(OWNER_SECRET, "account-db-app",
                                                                     "account-db-analyst", "account-crypto",
                                                                     "account-tokens", "account-service",
                                                                     "account-kafka-cluster-ca-cert");
        assertThat(environment(rotation)).doesNotContainKey("SPRING_DATASOURCE_PASSWORD");
        List<Rendered> production = render("overlays/production");
        assertThat(secretKeys(rotation)).as("the migration Job's credentials and placeholders")
                                        .containsAllEntriesOf(secretKeys(migrationJob(production).getSpec()
                                                                                 .getTemplate().getSpec()
                                                                                 .getContainers().get(0)));
        // The JAAS Secret is the one Strimzi writes for the KafkaUser of that name, which reads and writes the keys.
        KafkaUser kafkaUser = user(all(production, KafkaUser.class), "account-service");
        assertThat(allows(kafkaUser, "topic", KafkaTopics.KEYS, AclOperation.WRITE)).isTrue();
        assertThat(allows(kafkaUser, "topic", KafkaTopics.KEYS, AclOperation.READ)).isTrue();

        Container keyset = container(pod, "keyset");
        assertThat(keyset.getEnv()).isEmpty();
        assertThat(keyset.getEnvFrom()).isEmpty();
        assertThat(keyset.getImage()).isEqualTo(rotation.getImage());
        var volume = only(pod.getVolumes().stream().filter(v -> v.getName().equals("keyset")));
        assertThat(volume.getEmptyDir().getMedium()).isEqualTo("Memory");
        String mounted = only(keyset.getVolumeMounts().stream().filter(m -> m.getName().equals("keyset")))
                .getMountPath();
        assertThat(rotation.getVolumeMounts()).anySatisfy(mount -> {
            assertThat(mount.getName()).isEqualTo("keyset");
            assertThat(mount.getMountPath()).isEqualTo(mounted);
        });
        Path keysetOut = Path.of(only(rotation.getArgs().stream().filter(a -> a.startsWith("--keyset-out=")))
                                         .substring("--keyset-out=".length()));
        assertThat(keysetOut.getParent().getParent()).as("the keyset's folder, one below the volume's root")
                                                     .isEqualTo(Path.of(mounted));
        assertThat(String.join(" ", keyset.getCommand())).as("what the keyset container deletes at the end")
                                                         .contains("rm -rf " + keysetOut.getParent());
        assertThat(job.getSpec().getBackoffLimit()).as("retries").isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).as("deadline").isNull();
        Map<String, String> labels = job.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(all(production, NetworkPolicy.class)).filteredOn(p -> labels.entrySet().containsAll(
                        p.getSpec().getPodSelector().getMatchLabels().entrySet()))
                .extracting(KubernetesManifestsIT::name).as("network policies of the rotation's pod")
                .containsExactly("account-service-jobs");
    }

    private static <T> T only(java.util.stream.Stream<T> items) {
        List<T> list = items.toList();
        assertThat(list).hasSize(1);
        return list.get(0);
    }

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                  .orElseThrow(() -> new AssertionError("no container " + name));
    }

    /** The container's variables taken from Secrets: variable → Secret/key. */
    private static Map<String, String> secretKeys(Container container) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                var secret = variable.getValueFrom().getSecretKeyRef();
                keys.put(variable.getName(), secret.getName() + "/" + secret.getKey());
            }
        }
        return keys;
    }

    /**
     * A Job cannot change once created: the migration Job's name carries the image's tag, in every installation and
     * in an overlay that sets another image (a registry with a port, a tag with dashes and dots) with the same
     * replacement as the shipped overlays. Its pods are no Service's or budget's, and its network policy is its own.
     */
    @Test
    void theMigrationJobIsNamedAfterTheImageItRuns() throws Exception {
        for (String installation : INSTALLATIONS) {
            List<Rendered> objects = render(installation);
            Job migration = migrationJob(objects);
            String image = migration.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            assertThat(all(objects, Deployment.class)).extracting(KubernetesManifestsIT::image).containsOnly(image);
            assertThat(name(migration)).as(installation).isEqualTo(MIGRATION_JOB_PREFIX + tag(image));
            jobPodsAreTheirOwn(objects, migration);
        }
        Map<String, Object> production = new Yaml().load(Files.readString(
                K8S.resolve("overlays/production/kustomization.yaml")));
        assertThat(production).containsKey("replacements");
        String replacements = new Yaml().dumpAsMap(Map.of("replacements", production.get("replacements")));
        Path release = overlay("k8s-next-release", """
                resources:
                  - %s
                images:
                  - name: ghcr.io/example/account-service
                    newName: registry.example.internal:5000/accounts/account-service
                    newTag: 2.0.0-rc.1
                """ + replacements, "overlays/production");
        Job next = migrationJob(render(release));
        assertThat(next.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.internal:5000/accounts/account-service:2.0.0-rc.1");
        assertThat(name(next)).isEqualTo(MIGRATION_JOB_PREFIX + "2.0.0-rc.1");
    }

    private static void jobPodsAreTheirOwn(List<Rendered> objects, Job job) {
        Map<String, String> labels = job.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(name(job)).hasSizeLessThanOrEqualTo(63);
        assertThat(job.getSpec().getTemplate().getSpec().getHostname()).matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
        List<Map<String, String>> selectors = new ArrayList<>();
        all(objects, Service.class).forEach(service -> selectors.add(service.getSpec().getSelector()));
        all(objects, PodDisruptionBudget.class).forEach(b -> selectors.add(b.getSpec().getSelector().getMatchLabels()));
        all(objects, Deployment.class).forEach(d -> selectors.add(d.getSpec().getSelector().getMatchLabels()));
        assertThat(selectors).as("selectors of Services, budgets and Deployments that take %s's pods", name(job))
                             .noneMatch(selector -> labels.entrySet().containsAll(selector.entrySet()));
        List<NetworkPolicy> covering = all(objects, NetworkPolicy.class).stream()
                .filter(p -> labels.entrySet().containsAll(p.getSpec().getPodSelector().getMatchLabels().entrySet()))
                .toList();
        assertThat(covering).extracting(KubernetesManifestsIT::name).containsExactly("account-service-jobs");
        assertThat(covering.get(0).getSpec().getIngress()).as("ports open to a Job's pods").isEmpty();
    }

    /**
     * Only the service writes the topics a restore trusts: account.events, account.keys (and the results product
     * services act on); nobody else reads account.keys. A product service writes commands and reads events and
     * results, in a group of its own. Every user authenticates with SCRAM-SHA-512.
     */
    @Test
    void kafkaUsersMayDoOnlyWhatTheirRoleNeeds() throws Exception {
        List<Rendered> objects = render("overlays/production");
        List<KafkaUser> users = all(objects, KafkaUser.class);
        assertThat(users).extracting(KubernetesManifestsIT::name).contains("account-service", "product-service");
        String cluster = topic(objects, KafkaTopics.EVENTS).getMetadata().getLabels().get("strimzi.io/cluster");
        for (KafkaUser user : users) {
            assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", cluster);
            assertThat(user.getSpec().getAuthentication().getType()).isEqualTo("scram-sha-512");
            assertThat(user.getSpec().getAuthorization()).isInstanceOf(KafkaUserAuthorizationSimple.class);
        }
        KafkaUser service = user(users, "account-service");
        for (String topic : List.of(KafkaTopics.EVENTS, KafkaTopics.KEYS, KafkaTopics.COMMAND_RESULTS,
                                    KafkaTopics.COMMANDS_DLT)) {
            assertThat(allows(service, "topic", topic, AclOperation.WRITE)).as("account-service writes %s", topic)
                                                                        .isTrue();
        }
        for (String topic : List.of(KafkaTopics.COMMANDS, KafkaTopics.EVENTS, KafkaTopics.KEYS)) {
            assertThat(allows(service, "topic", topic, AclOperation.READ)).as("account-service reads %s", topic)
                                                                       .isTrue();
        }
        assertThat(allows(service, "group", "account-service", AclOperation.READ)).isTrue();
        assertThat(allows(service, "cluster", "kafka-cluster", AclOperation.IDEMPOTENTWRITE)).isTrue();
        for (AclOperation administration : List.of(AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER,
                                                   AclOperation.ALTERCONFIGS)) {
            assertThat(allows(service, "topic", KafkaTopics.EVENTS, administration))
                    .as("the KafkaTopic resources own the topics: no %s", administration).isFalse();
        }

        KafkaUser product = user(users, "product-service");
        assertThat(allows(product, "topic", KafkaTopics.COMMANDS, AclOperation.WRITE)).isTrue();
        assertThat(allows(product, "topic", KafkaTopics.EVENTS, AclOperation.READ)).isTrue();
        assertThat(allows(product, "topic", KafkaTopics.COMMAND_RESULTS, AclOperation.READ)).isTrue();
        assertThat(allows(product, "group", "product-service-billing", AclOperation.READ)).isTrue();
        assertThat(allows(product, "group", "account-service", AclOperation.READ)).isFalse();
        assertThat(allows(product, "topic", KafkaTopics.COMMANDS_DLT, AclOperation.WRITE)).isFalse();

        for (KafkaUser user : users) {
            if (user == service) {
                continue;
            }
            for (String trusted : List.of(KafkaTopics.EVENTS, KafkaTopics.KEYS, KafkaTopics.COMMAND_RESULTS)) {
                assertThat(allows(user, "topic", trusted, AclOperation.WRITE)).as("%s writes %s", name(user), trusted)
                                                                           .isFalse();
            }
            for (AclOperation look : List.of(AclOperation.READ, AclOperation.DESCRIBE)) {
                assertThat(allows(user, "topic", KafkaTopics.KEYS, look)).as("%s %s account.keys", name(user), look)
                                                                        .isFalse();
            }
        }
    }

    /**
     * The service speaks to Kafka as its KafkaUser: its variables, bound as Spring binds the environment, give every
     * client SASL_SSL with SCRAM-SHA-512, the credentials from the Secret the User Operator writes for it, and the
     * cluster CA; on the port the network policies open.
     */
    @Test
    void theServiceAuthenticatesToKafkaAsItsUser() throws Exception {
        for (String installation : List.of("overlays/small", "overlays/production")) {
            List<Rendered> objects = render(installation);
            String cluster = topic(objects, KafkaTopics.EVENTS).getMetadata().getLabels().get("strimzi.io/cluster");
            Set<String> users = all(objects, KafkaUser.class).stream().map(KubernetesManifestsIT::name)
                                                             .collect(Collectors.toSet());
            for (Deployment deployment : all(objects, Deployment.class)) {
                KafkaProperties kafka = kafkaProperties(objects, deployment);
                for (Map<String, Object> client : List.of(kafka.buildProducerProperties(),
                                                          kafka.buildConsumerProperties(),
                                                          kafka.buildAdminProperties())) {
                    assertThat(client).containsEntry("security.protocol", "SASL_SSL")
                                      .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                                      .containsEntry("sasl.jaas.config", "<secret account-service/sasl.jaas.config>")
                                      .containsEntry("ssl.truststore.type", "PEM")
                                      .containsEntry("ssl.truststore.certificates",
                                                     "<secret " + cluster + "-cluster-ca-cert/ca.crt>");
                }
                assertThat(users).contains("account-service");
                int port = Integer.parseInt(kafka.getBootstrapServers().get(0).replaceAll(".*:", ""));
                for (NetworkPolicy policy : all(objects, NetworkPolicy.class)) {
                    assertThat(policy.getSpec().getEgress()).as("egress of %s", name(policy))
                            .anySatisfy(rule -> assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal())
                                                                           .contains(port));
                }
            }
        }
    }

    @Test
    void theManifestsAgreeWithTheApplication() throws Exception {
        Set<String> known = knownEnvironmentNames();
        String metrics = new HttpJson(managementPort).get("/actuator/prometheus").raw();
        List<Rendered> production = render("overlays/production");
        for (String overlay : List.of("overlays/small", "overlays/production", "jobs/restore", "jobs/verify",
                                      ROTATION)) {
            List<Rendered> objects = render(overlay);
            for (Job job : all(objects, Job.class)) {
                Set<String> unread = new TreeSet<>(environment(production, job.getSpec().getTemplate().getSpec()
                                                                              .getContainers().get(0)).keySet());
                unread.removeIf(variable -> read(known, variable));
                assertThat(unread).as("variables %s sets that the application does not read", name(job)).isEmpty();
            }
            for (Deployment deployment : all(objects, Deployment.class)) {
                Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
                Set<String> unread = new TreeSet<>(environment(objects, deployment).keySet());
                unread.removeIf(variable -> read(known, variable));
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

            if (all(objects, Deployment.class).isEmpty()) {
                continue;
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

    private static boolean read(Set<String> known, String variable) {
        return known.contains(variable) || JVM_VARIABLES.contains(variable)
               || MAP_VARIABLE_PREFIXES.stream().anyMatch(variable::startsWith);
    }

    /** A pod template of a Deployment or a Job, by its owner's name. */
    record Workload(String name, PodSpec pod) {
        Container container() {
            return pod.getContainers().get(0);
        }
    }

    private static List<Workload> workloads(List<Rendered> objects) {
        List<Workload> workloads = new ArrayList<>();
        all(objects, Deployment.class).forEach(d -> workloads.add(new Workload(name(d), d.getSpec().getTemplate()
                                                                                          .getSpec())));
        all(objects, Job.class).forEach(j -> workloads.add(new Workload(name(j), j.getSpec().getTemplate()
                                                                                    .getSpec())));
        return workloads;
    }

    /** Every Secret a pod can read: through variables, whole-Secret variables and volumes. */
    private static Set<String> referencedSecrets(PodSpec pod) {
        Set<String> secrets = new TreeSet<>();
        List<Container> containers = new ArrayList<>(pod.getContainers());
        containers.addAll(pod.getInitContainers());
        for (Container container : containers) {
            for (EnvVar variable : container.getEnv()) {
                if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                    secrets.add(variable.getValueFrom().getSecretKeyRef().getName());
                }
            }
            for (var source : container.getEnvFrom()) {
                if (source.getSecretRef() != null) {
                    secrets.add(source.getSecretRef().getName());
                }
            }
        }
        for (var volume : pod.getVolumes()) {
            if (volume.getSecret() != null) {
                secrets.add(volume.getSecret().getSecretName());
            }
            if (volume.getProjected() != null) {
                volume.getProjected().getSources().stream().filter(source -> source.getSecret() != null)
                      .forEach(source -> secrets.add(source.getSecret().getName()));
            }
        }
        return secrets;
    }

    private static Job migrationJob(List<Rendered> objects) {
        List<Job> jobs = all(objects, Job.class).stream()
                .filter(j -> "migration".equals(j.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .toList();
        assertThat(jobs).as("migration Jobs").hasSize(1);
        return jobs.get(0);
    }

    private static String image(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    private static String tag(String image) {
        return image.substring(image.lastIndexOf(':') + 1);
    }

    private static KafkaUser user(List<KafkaUser> users, String name) {
        return users.stream().filter(u -> name(u).equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no KafkaUser " + name));
    }

    /** Whether {@code user}'s ACLs allow {@code operation} on the resource, as Kafka's simple authorizer decides. */
    private static boolean allows(KafkaUser user, String type, String name, AclOperation operation) {
        KafkaUserAuthorizationSimple authorization = (KafkaUserAuthorizationSimple) user.getSpec().getAuthorization();
        boolean allowed = false;
        for (AclRule rule : authorization.getAcls()) {
            boolean matches = rule.getResource().getType().equals(type);
            if (rule.getResource() instanceof AclRuleTopicResource topic) {
                matches &= matches(topic.getName(), topic.getPatternType(), name);
            } else if (rule.getResource() instanceof AclRuleGroupResource group) {
                matches &= matches(group.getName(), group.getPatternType(), name);
            }
            boolean covers = rule.getOperations().contains(operation) || rule.getOperations().contains(AclOperation.ALL)
                             || (operation == AclOperation.DESCRIBE && rule.getOperations().stream().anyMatch(
                    o -> o == AclOperation.READ || o == AclOperation.WRITE));
            if (matches && covers) {
                if (rule.getType() == AclRuleType.DENY) {
                    return false;
                }
                allowed = true;
            }
        }
        return allowed;
    }

    private static boolean matches(String pattern, AclResourcePatternType type, String name) {
        if (pattern.equals("*")) {
            return true;
        }
        return type == AclResourcePatternType.PREFIX ? name.startsWith(pattern) : name.equals(pattern);
    }

    /** Spring's Kafka settings as the Deployment's variables bind, a Secret's value read as its name and key. */
    private static KafkaProperties kafkaProperties(List<Rendered> objects, Deployment deployment) {
        Map<String, Object> variables = new LinkedHashMap<>(environment(objects, deployment));
        for (EnvVar variable : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                var secret = variable.getValueFrom().getSecretKeyRef();
                variables.put(variable.getName(), "<secret " + secret.getName() + "/" + secret.getKey() + ">");
            }
        }
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                                    variables));
        return Binder.get(environment).bindOrCreate("spring.kafka", KafkaProperties.class);
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
        return environment(deployment.getSpec().getTemplate().getSpec().getContainers().get(0));
    }

    private static Map<String, String> environment(Container container) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            variables.put(variable.getName(), variable.getValue() == null ? "<reference>" : variable.getValue());
        }
        return variables;
    }

    /** The container's variables including those from the ConfigMaps it takes whole. */
    private static Map<String, String> environment(List<Rendered> objects, Deployment deployment) {
        return environment(objects, deployment.getSpec().getTemplate().getSpec().getContainers().get(0));
    }

    /** As above for any container, the ConfigMaps looked up among {@code objects}. */
    private static Map<String, String> environment(List<Rendered> objects, Container container) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (var source : container.getEnvFrom()) {
            String name = source.getConfigMapRef().getName();
            ConfigMap config = all(objects, ConfigMap.class).stream().filter(c -> name(c).equals(name)).findFirst()
                                                            .orElseThrow(() -> new AssertionError("no ConfigMap "
                                                                                                  + name));
            variables.putAll(config.getData());
        }
        variables.putAll(environment(container));
        return variables;
    }
}
