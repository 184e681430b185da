package org.agreementledger.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Docker is not available where the build runs, so {@code docker-compose.yml}, the Dockerfiles, the
 * PostgreSQL init script and the Keycloak realm are checked here against what the services actually read: a
 * renamed property, port, topic, database, jar name, role or claim breaks this test instead of a user's
 * {@code docker compose up}.
 */
class DockerComposeConfigurationTest {

    private static final String EVENTS_TOPIC = "ledger.agreement-events";
    private static final List<String> SERVICES = List.of("ledger-service", "projection-service");
    /** The prefix of each service's own Kafka properties (KafkaPublicationProperties, ConsumerProperties). */
    private static final Map<String, String> KAFKA_PREFIX = Map.of(
            "ledger-service", "ledger.kafka",
            "projection-service", "projection.kafka");
    private static final String JWK_SET_URI = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri";
    private static final String ISSUER_URI = "spring.security.oauth2.resourceserver.jwt.issuer-uri";
    private static final String PUBLIC_KEY_LOCATION = "spring.security.oauth2.resourceserver.jwt.public-key-location";
    /**
     * Spring Boot's own resource-server properties ({@code OAuth2ResourceServerProperties}): Boot binds them whether
     * or not application.yml mentions them, and their names are Boot's, not ours to rename, so compose may set them
     * without a matching key in application.yml. Only these are exempt; every other environment variable must still
     * name a property that the service's application.yml declares.
     */
    private static final List<String> STANDARD_BOOT_PROPERTIES = List.of(JWK_SET_URI, ISSUER_URI, PUBLIC_KEY_LOCATION);
    /** Ours, declared in both application.yml files: the {@code iss} every token must carry. */
    private static final String EXPECTED_ISSUER = "ledger.security.expected-issuer";

    /** Boot's tracing switch and OTLP endpoint: application.yml declares both, so compose may set them. */
    private static final String TRACING_ENABLED = "management.tracing.enabled";
    private static final String OTLP_TRACING_ENDPOINT = "management.otlp.tracing.endpoint";

    /** Where {@code kc.sh start-dev --import-realm} looks for realm files. */
    private static final String KEYCLOAK_IMPORT_DIRECTORY = "/opt/keycloak/data/import/";
    private static final String REALM_FILE = "docker/keycloak/agreement-ledger-realm.json";
    /** The country services of the February 2025 agreements: each is a Keycloak client of its own. */
    private static final List<String> COUNTRIES = List.of("US", "SV", "GT", "PA", "CO");

    private static Path root;
    private static Map<String, Object> services;

    @BeforeAll
    static void readCompose() throws IOException {
        root = repositoryRoot();
        services = map(yaml(root.resolve("docker-compose.yml")).get("services"), "services");
    }

    @Test
    void composeDefinesKafkaPostgresAndBothServices() {
        assertThat(services).containsKeys("kafka", "kafka-init", "postgres", "ledger-service", "projection-service");
        assertThat(service("kafka").get("image")).isEqualTo("apache/kafka:3.9.1");
        assertThat(service("kafka-init").get("image")).isEqualTo("apache/kafka:3.9.1");
        assertThat(service("postgres").get("image")).isEqualTo("postgres:16");

        for (String name : SERVICES) {
            Map<String, Object> build = map(service(name).get("build"), name + ".build");
            // The images copy jars from several modules' target/, so the context must be the repository root.
            assertThat(root.resolve(String.valueOf(build.get("context"))).normalize())
                    .as("%s build context", name).isEqualTo(root);
            assertThat(String.valueOf(build.get("dockerfile"))).isEqualTo(name + "/Dockerfile");
            assertThat(root.resolve(name).resolve("Dockerfile")).isRegularFile();
        }
    }

    @Test
    void everyEnvironmentKeyOfAServiceIsAPropertyTheServiceReads() throws IOException {
        for (String name : SERVICES) {
            Set<String> properties = new LinkedHashSet<>();
            for (String key : propertyKeys(name)) {
                properties.add(canonicalProperty(key));
            }
            for (String key : STANDARD_BOOT_PROPERTIES) {
                properties.add(canonicalProperty(key));
            }
            Map<String, String> environment = environment(name);
            assertThat(environment).as("%s environment", name).isNotEmpty();

            List<String> unknown = new ArrayList<>();
            for (String variable : environment.keySet()) {
                if (!properties.contains(canonicalEnvironmentVariable(variable))) {
                    unknown.add(variable);
                }
            }
            assertThat(unknown)
                    .as("environment variables of %s that bind to no property in its application.yml "
                            + "and are not one of Boot's resource-server properties", name)
                    .isEmpty();
        }
    }

    @Test
    void composeRunsKeycloakWithTheLedgersRealm() throws IOException {
        assertThat(services).containsKey("keycloak");
        Map<String, Object> keycloak = service("keycloak");
        assertThat(keycloak.get("image")).isEqualTo("quay.io/keycloak/keycloak:26.0");
        assertThat(commandLine(keycloak.get("command"))).contains("start-dev", "--import-realm");
        assertThat(environment("keycloak")).containsEntry("KC_HEALTH_ENABLED", "true");
        assertThat(String.join(" ", healthcheck("keycloak"))).contains("/health/ready");

        JsonNode realm = realm();
        assertThat(realm.path("realm").asText()).isEqualTo("agreement-ledger");
        assertThat(realm.path("enabled").asBoolean()).as("realm enabled").isTrue();

        Map<String, String> roles = ledgerRoles();
        Set<String> realmRoles = new LinkedHashSet<>();
        for (JsonNode role : realm.path("roles").path("realm")) {
            realmRoles.add(role.path("name").asText());
        }
        assertThat(realmRoles).as("realm roles").containsAll(roles.values());

        // The claims the services read, as both application.yml files name them.
        String rolesClaim = sameInBothServices("ledger.security.roles-claim");
        String countryClaim = sameInBothServices("ledger.security.country-claim");

        Map<String, String> countryByClient = new LinkedHashMap<>();
        Set<String> granted = new LinkedHashSet<>();
        Set<String> principals = new LinkedHashSet<>();
        for (JsonNode client : realm.path("clients")) {
            String clientId = client.path("clientId").asText();
            assertThat(client.path("enabled").asBoolean()).as("%s enabled", clientId).isTrue();
            assertThat(client.path("publicClient").asBoolean(true)).as("%s is confidential", clientId).isFalse();
            assertThat(client.path("serviceAccountsEnabled").asBoolean())
                    .as("%s may use the client-credentials grant", clientId).isTrue();
            assertThat(client.path("secret").asText())
                    .as("%s's secret is a placeholder, for local use only", clientId).startsWith("change-me-");
            // Since Keycloak 25 even sub comes from a mapper (the "basic" scope); each client carries its own
            // mappers so that its tokens never depend on which default scopes the import attached.
            assertThat((Object) accessTokenMapper(client, "oidc-sub-mapper"))
                    .as("%s puts sub in its tokens", clientId).isNotNull();
            JsonNode rolesMapper = accessTokenMapper(client, "oidc-usermodel-realm-role-mapper");
            assertThat((Object) rolesMapper).as("%s puts its realm roles in its tokens", clientId).isNotNull();
            assertThat(rolesMapper.path("config").path("claim.name").asText()).as("%s roles claim", clientId)
                    .isEqualTo(rolesClaim);

            JsonNode account = serviceAccount(realm, clientId);
            // Keycloak imports a user without "enabled": true as disabled, and a disabled service account gets no token.
            assertThat(account.path("enabled").asBoolean()).as("%s's service account enabled", clientId).isTrue();
            // The compose Keycloak re-imports the realm whenever its container is created: a fixed id keeps sub,
            // the principal recorded on every event, the same across imports.
            assertThat(account.path("id").asText()).as("%s's service account has a fixed id", clientId).isNotBlank();
            principals.add(account.path("id").asText());
            List<String> accountRoles = texts(account.path("realmRoles"));
            assertThat(realmRoles).as("roles of %s are realm roles", clientId).containsAll(accountRoles);
            granted.addAll(accountRoles);

            String country = hardCodedClaim(client, countryClaim);
            if (accountRoles.contains(roles.get("WRITE"))) {
                assertThat(country).as("%s issues commands, so its tokens name a country", clientId).isNotNull();
                countryByClient.put(clientId, country);
            } else {
                assertThat(country).as("%s acts for no country", clientId).isNull();
            }
        }
        assertThat(principals).as("one principal per client").hasSize(realm.path("clients").size());
        assertThat(countryByClient.values()).as("countries of the writing clients")
                .containsExactlyInAnyOrderElementsOf(COUNTRIES);
        // ... and an auditor, a dashboard and an operator.
        assertThat(granted).as("roles some client holds").containsAll(roles.values());
    }

    @Test
    void bothServicesTrustKeycloak() throws IOException {
        Map<String, String> keycloak = environment("keycloak");
        String hostname = keycloak.get("KC_HOSTNAME");
        assertThat(hostname).as("KC_HOSTNAME").isNotBlank();
        // Tokens fetched from the host name this address; it must be the one compose publishes.
        List<Object> ports = list(service("keycloak").get("ports"), "keycloak.ports");
        assertThat(ports).as("keycloak ports").hasSize(1);
        String[] mapping = publishedAndTarget(ports.get(0));
        assertThat(URI.create(hostname).getHost()).isEqualTo("localhost");
        assertThat(String.valueOf(URI.create(hostname).getPort())).as("KC_HOSTNAME's port").isEqualTo(mapping[0]);

        String realmName = realm().path("realm").asText();
        String issuer = hostname.replaceAll("/+$", "") + "/realms/" + realmName;
        String jwkSetUri = "http://keycloak:" + mapping[1] + "/realms/" + realmName + "/protocol/openid-connect/certs";

        for (String name : SERVICES) {
            Map<String, Object> dependsOn = map(service(name).get("depends_on"), name + ".depends_on");
            assertThat(map(dependsOn.get("keycloak"), "keycloak").get("condition")).isEqualTo("service_healthy");

            Map<String, String> environment = environment(name);
            // Keys over the compose network, from the realm's JWK set.
            assertThat(environment.get(environmentVariable(JWK_SET_URI))).as("%s jwk-set-uri", name).isEqualTo(jwkSetUri);
            // The issuer Keycloak writes into tokens, pinned; application.yml declares the property.
            assertThat(property(name, EXPECTED_ISSUER)).as("%s %s in application.yml", name, EXPECTED_ISSUER).isNotNull();
            assertThat(environment.get(environmentVariable(EXPECTED_ISSUER))).as("%s expected issuer", name)
                    .isEqualTo(issuer);
            // application.yml's default (the local stack's key file) is switched off ...
            assertThat(environment).as("%s environment", name)
                    .containsEntry(environmentVariable(PUBLIC_KEY_LOCATION), "");
            // ... and no discovery: the issuer (localhost:8180) cannot be reached from a container.
            assertThat(environment).as("%s environment", name).doesNotContainKey(environmentVariable(ISSUER_URI));
        }
    }

    @Test
    void tracingIsOffByDefaultAndOnInComposeExportingToJaeger() throws IOException {
        assertThat(String.valueOf(service("jaeger").get("image"))).startsWith("jaegertracing/all-in-one:");
        List<String> jaegerPorts = new ArrayList<>();
        for (Object port : list(service("jaeger").get("ports"), "jaeger.ports")) {
            jaegerPorts.add(publishedAndTarget(port)[1]);
        }
        // the UI and both OTLP receivers
        assertThat(jaegerPorts).contains("16686", "4317", "4318");

        for (String name : SERVICES) {
            assertThat(property(name, TRACING_ENABLED)).as("%s traces only when asked to", name).isEqualTo(false);
            Map<String, String> environment = environment(name);
            assertThat(environment.get(environmentVariable(TRACING_ENABLED))).as("%s tracing in compose", name)
                    .isEqualTo("true");
            URI endpoint = URI.create(environment.get(environmentVariable(OTLP_TRACING_ENDPOINT)));
            // OTLP over HTTP (Boot's default transport) to Jaeger's receiver, over the compose network
            assertThat(endpoint.getHost()).as("%s OTLP endpoint host", name).isEqualTo("jaeger");
            assertThat(String.valueOf(endpoint.getPort())).as("%s OTLP endpoint port", name).isEqualTo("4318");
            assertThat(endpoint.getPath()).as("%s OTLP endpoint path", name).isEqualTo("/v1/traces");
        }
    }

    @Test
    void servicePortsMatchTheServicesConfiguredPorts() throws IOException {
        for (String name : SERVICES) {
            String port = String.valueOf(property(name, "server.port"));
            List<Object> ports = list(service(name).get("ports"), name + ".ports");
            assertThat(ports).as("%s ports", name).hasSize(1);
            String[] mapping = publishedAndTarget(ports.get(0));
            assertThat(mapping).as("%s published:target port", name).containsExactly(port, port);

            String overridden = environment(name).get("SERVER_PORT");
            if (overridden != null) {
                assertThat(overridden).as("%s SERVER_PORT", name).isEqualTo(port);
            }
        }
        assertThat(property("ledger-service", "server.port")).isEqualTo(8080);
        assertThat(property("projection-service", "server.port")).isEqualTo(8081);
    }

    @Test
    void servicesStartOnInfrastructureThatIsReadyAndReportTheirActuatorHealth() throws IOException {
        for (String name : SERVICES) {
            Map<String, Object> dependsOn = map(service(name).get("depends_on"), name + ".depends_on");
            assertThat(map(dependsOn.get("postgres"), "postgres").get("condition")).isEqualTo("service_healthy");
            assertThat(map(dependsOn.get("kafka"), "kafka").get("condition")).isEqualTo("service_healthy");
            assertThat(map(dependsOn.get("kafka-init"), "kafka-init").get("condition"))
                    .isEqualTo("service_completed_successfully");

            String port = String.valueOf(property(name, "server.port"));
            assertThat(String.join(" ", healthcheck(name)))
                    .as("%s healthcheck", name)
                    .contains("http://localhost:" + port + "/actuator/health");
        }
        assertThat(healthcheck("postgres")).isNotEmpty();
        assertThat(healthcheck("kafka")).isNotEmpty();
    }

    @Test
    void servicesReachKafkaThroughTheListenerAdvertisedToContainers() throws IOException {
        Map<String, String> kafka = environment("kafka");
        List<String> advertised = Arrays.asList(kafka.get("KAFKA_ADVERTISED_LISTENERS").split(","));
        String internal = advertised.stream()
                .filter(listener -> listener.startsWith(kafka.get("KAFKA_INTER_BROKER_LISTENER_NAME") + "://"))
                .map(listener -> listener.substring(listener.indexOf("://") + 3))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no advertised listener for the inter-broker listener"));
        assertThat(internal).as("listener for containers").startsWith("kafka:");
        // The host listener is what the application.yml defaults point at, for services run from the IDE.
        assertThat(advertised).contains("HOST://localhost:9092");
        assertThat(property("ledger-service", "ledger.kafka.bootstrap-servers")).isEqualTo("localhost:9092");

        for (String name : SERVICES) {
            String variable = environmentVariable(KAFKA_PREFIX.get(name) + ".bootstrap-servers");
            assertThat(environment(name).get(variable)).as("%s %s", name, variable).isEqualTo(internal);
        }
        assertThat(kafkaTopicsArguments()).containsSubsequence("--bootstrap-server", internal);
    }

    @Test
    void composeCreatesTheEventsTopicWithInfiniteRetention() throws IOException {
        List<String> arguments = kafkaTopicsArguments();
        assertThat(arguments.get(0)).isEqualTo("/opt/kafka/bin/kafka-topics.sh");
        assertThat(arguments).contains("--create", "--if-not-exists");
        assertThat(argumentAfter(arguments, "--topic")).isEqualTo(EVENTS_TOPIC);
        assertThat(configsOf(arguments)).contains("retention.ms=-1", "retention.bytes=-1");

        // Same partition count whether kafka-init or the ledger itself creates the topic.
        String partitions = argumentAfter(arguments, "--partitions");
        assertThat(String.valueOf(property("ledger-service", "ledger.kafka.partitions"))).isEqualTo(partitions);
        String overridden = environment("ledger-service").get("LEDGER_KAFKA_PARTITIONS");
        if (overridden != null) {
            assertThat(overridden).isEqualTo(partitions);
        }

        for (String name : SERVICES) {
            String topicProperty = KAFKA_PREFIX.get(name) + ".topic";
            assertThat(property(name, topicProperty)).as("%s %s", name, topicProperty).isEqualTo(EVENTS_TOPIC);
            String composeTopic = environment(name).get(environmentVariable(topicProperty));
            if (composeTopic != null) {
                assertThat(composeTopic).as("%s topic in compose", name).isEqualTo(EVENTS_TOPIC);
            }
        }
    }

    @Test
    void datasourcesPointAtDatabasesTheInitScriptCreates() throws IOException {
        assertThat(list(service("postgres").get("volumes"), "postgres.volumes"))
                .contains("./docker/postgres/init.sql:/docker-entrypoint-initdb.d/init.sql:ro");
        String script = Files.readString(root.resolve("docker/postgres/init.sql"));
        Map<String, String> ownerByDatabase = new LinkedHashMap<>();
        Matcher databases = Pattern.compile("CREATE\\s+DATABASE\\s+\"?(\\w+)\"?(?:\\s+(?:WITH\\s+)?OWNER\\s*=?\\s*\"?(\\w+)\"?)?",
                Pattern.CASE_INSENSITIVE).matcher(script);
        while (databases.find()) {
            ownerByDatabase.put(databases.group(1), databases.group(2));
        }
        Map<String, String> passwordByRole = new LinkedHashMap<>();
        Matcher roles = Pattern.compile("CREATE\\s+(?:ROLE|USER)\\s+\"?(\\w+)\"?[^;]*?PASSWORD\\s+'([^']*)'",
                Pattern.CASE_INSENSITIVE).matcher(script);
        while (roles.find()) {
            passwordByRole.put(roles.group(1), roles.group(2));
        }

        for (String name : SERVICES) {
            Map<String, String> environment = environment(name);
            URI url = URI.create(environment.get("SPRING_DATASOURCE_URL").substring("jdbc:".length()));
            assertThat(url.getHost()).as("%s database host", name).isEqualTo("postgres");
            String database = url.getPath().substring(1);
            String user = environment.get("SPRING_DATASOURCE_USERNAME");

            assertThat(ownerByDatabase).as("databases created by init.sql").containsKey(database);
            assertThat(passwordByRole).as("roles created by init.sql")
                    .containsEntry(user, environment.get("SPRING_DATASOURCE_PASSWORD"));
            // Flyway creates the schema, so the service's own user must own its database.
            assertThat(ownerByDatabase.get(database)).as("owner of %s", database).isEqualTo(user);
            // Same database name as the application.yml default, so host-run and compose-run agree.
            assertThat(String.valueOf(property(name, "spring.datasource.url"))).endsWith("/" + database);
        }
    }

    @Test
    void postgresStatesItsDurabilitySettingsExplicitly() {
        List<String> command = commandLine(service("postgres").get("command"));
        assertThat(command).containsSubsequence("-c", "fsync=on");
        assertThat(command).containsSubsequence("-c", "synchronous_commit=on");
    }

    @Test
    void dockerfilesCopyTheJarsTheBuildProduces() throws Exception {
        Element parent = pom(root.resolve("pom.xml"));
        String version = child(parent, "version");
        String classifier = bootPluginClassifier(parent);

        for (String name : SERVICES) {
            String artifactId = child(pom(root.resolve(name).resolve("pom.xml")), "artifactId");
            String jar = name + "/target/" + artifactId + "-" + version
                    + (classifier == null ? "" : "-" + classifier) + ".jar";
            List<List<String>> instructions = dockerfile(root.resolve(name).resolve("Dockerfile"));

            assertThat(arguments(instructions, "FROM")).containsExactly(List.of("eclipse-temurin:17-jre"));
            List<List<String>> copies = arguments(instructions, "COPY");
            assertThat(copies).as("%s COPY instructions", name).hasSize(1);
            List<String> copy = withoutFlags(copies.get(0));
            assertThat(copy.subList(0, copy.size() - 1)).as("%s copies", name).containsExactly(jar);
            String destination = copy.get(copy.size() - 1);

            List<List<String>> users = arguments(instructions, "USER");
            assertThat(users).as("%s USER", name).isNotEmpty();
            String user = users.get(users.size() - 1).get(0).split(":")[0];
            assertThat(user).as("%s runs as", name).isNotIn("root", "0");

            List<List<String>> entrypoints = arguments(instructions, "ENTRYPOINT");
            assertThat(entrypoints).as("%s ENTRYPOINT", name).hasSize(1);
            assertThat(String.join(" ", entrypoints.get(0))).contains("-jar").contains(destination)
                    .as("%s exits when out of heap, and compose starts it again", name).contains("-XX:+ExitOnOutOfMemoryError");
            assertThat(service(name).get("restart")).as("%s restart policy", name).isEqualTo("unless-stopped");

            assertThat(dockerIgnored(jar)).as(".dockerignore excludes %s", jar).isFalse();
        }
    }

    @Test
    void dockerignoreKeepsTheBuildContextSmall() throws IOException {
        assertThat(dockerIgnored(".git/HEAD")).isTrue();
        assertThat(dockerIgnored("ledger-service/src/main/resources/application.yml")).isTrue();
        assertThat(dockerIgnored("ledger-service/target/classes/application.yml")).isTrue();
        assertThat(dockerIgnored("ledger-service/target/ledger-service-0.1.0-SNAPSHOT.jar")).isTrue();
        assertThat(dockerIgnored("local-stack/target/local-stack-0.1.0-SNAPSHOT.jar")).isTrue();
    }

    // --- compose -------------------------------------------------------------------------------------

    private static Map<String, Object> service(String name) {
        return map(services.get(name), "services." + name);
    }

    /** Compose accepts both the map and the {@code KEY=VALUE} list form. */
    private static Map<String, String> environment(String name) {
        Object environment = service(name).get("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> entries) {
            entries.forEach((key, value) -> result.put(String.valueOf(key), value == null ? null : String.valueOf(value)));
        } else if (environment instanceof List<?> entries) {
            for (Object entry : entries) {
                String[] keyValue = String.valueOf(entry).split("=", 2);
                result.put(keyValue[0], keyValue.length > 1 ? keyValue[1] : null);
            }
        } else if (environment != null) {
            fail("unexpected environment of %s: %s", name, environment);
        }
        return result;
    }

    private static List<String> healthcheck(String name) {
        Map<String, Object> healthcheck = map(service(name).get("healthcheck"), name + ".healthcheck");
        return commandLine(healthcheck.get("test"));
    }

    /** kafka-init's entrypoint followed by its command, as one argument list. */
    private static List<String> kafkaTopicsArguments() {
        Map<String, Object> init = service("kafka-init");
        List<String> arguments = new ArrayList<>(commandLine(init.get("entrypoint")));
        arguments.addAll(commandLine(init.get("command")));
        return arguments;
    }

    private static List<String> commandLine(Object command) {
        List<String> result = new ArrayList<>();
        if (command instanceof List<?> parts) {
            parts.forEach(part -> result.add(String.valueOf(part)));
        } else if (command != null) {
            result.addAll(Arrays.asList(String.valueOf(command).trim().split("\\s+")));
        }
        return result;
    }

    private static String argumentAfter(List<String> arguments, String option) {
        int index = arguments.indexOf(option);
        assertThat(index).as("%s in %s", option, arguments).isNotNegative().isLessThan(arguments.size() - 1);
        return arguments.get(index + 1);
    }

    private static List<String> configsOf(List<String> arguments) {
        List<String> configs = new ArrayList<>();
        for (int i = 0; i < arguments.size() - 1; i++) {
            if (arguments.get(i).equals("--config")) {
                configs.add(arguments.get(i + 1));
            }
        }
        return configs;
    }

    /** Short syntax ({@code [ip:]published:target[/protocol]}) or long syntax ({@code target}, {@code published}). */
    private static String[] publishedAndTarget(Object port) {
        if (port instanceof Map<?, ?> longSyntax) {
            return new String[] {String.valueOf(longSyntax.get("published")), String.valueOf(longSyntax.get("target"))};
        }
        String[] parts = String.valueOf(port).split("/")[0].split(":");
        String target = parts[parts.length - 1];
        return new String[] {parts.length > 1 ? parts[parts.length - 2] : target, target};
    }

    // --- Spring properties ---------------------------------------------------------------------------

    /** Every leaf key of the service's application.yml, dotted, as written there. */
    private static Set<String> propertyKeys(String service) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        for (Map<String, Object> document : applicationYaml(service)) {
            flatten("", document, keys);
        }
        return keys;
    }

    private static Object property(String service, String key) throws IOException {
        for (Map<String, Object> document : applicationYaml(service)) {
            Object node = document;
            for (String part : key.split("\\.")) {
                node = node instanceof Map<?, ?> children ? children.get(part) : null;
            }
            if (node != null) {
                return node;
            }
        }
        fail("%s is not set in %s/src/main/resources/application.yml", key, service);
        return null;
    }

    private static List<Map<String, Object>> applicationYaml(String service) throws IOException {
        Path file = root.resolve(service).resolve("src/main/resources/application.yml");
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
            if (document != null) {
                documents.add(map(document, file.toString()));
            }
        }
        return documents;
    }

    private static void flatten(String prefix, Map<?, ?> node, Set<String> keys) {
        node.forEach((key, value) -> {
            String path = prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
            if (value instanceof Map<?, ?> children && !children.isEmpty()) {
                flatten(path, children, keys);
            } else {
                keys.add(path);
            }
        });
    }

    /** Spring Boot's relaxed binding ignores dashes and case in property names. */
    private static String canonicalProperty(String key) {
        return key.replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** {@code LEDGER_KAFKA_BOOTSTRAPSERVERS} binds to {@code ledger.kafka.bootstrap-servers}. */
    private static String canonicalEnvironmentVariable(String variable) {
        return variable.replace('_', '.').replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** The form Spring Boot documents for binding a property from the environment. */
    private static String environmentVariable(String property) {
        return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    // --- Maven and Docker files ----------------------------------------------------------------------

    private static Element pom(Path file) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        return document.getDocumentElement();
    }

    /** A direct child only: {@code <parent><version>} must not be mistaken for the project's version. */
    private static String child(Element element, String name) {
        Element found = childElement(element, name);
        assertThat(found).as("<%s> in <%s>", name, element.getTagName()).isNotNull();
        return found.getTextContent().trim();
    }

    private static Element childElement(Element element, String name) {
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node child = children.item(i);
            if (child instanceof Element candidate && candidate.getTagName().equals(name)) {
                return candidate;
            }
        }
        return null;
    }

    /** The classifier the repackaged (executable) jar gets, or null if it replaces the plain jar. */
    private static String bootPluginClassifier(Element project) {
        NodeList plugins = project.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            Element artifactId = childElement(plugin, "artifactId");
            Element configuration = childElement(plugin, "configuration");
            if (artifactId != null && artifactId.getTextContent().trim().equals("spring-boot-maven-plugin")
                    && configuration != null && childElement(configuration, "classifier") != null) {
                return childElement(configuration, "classifier").getTextContent().trim();
            }
        }
        return null;
    }

    /** Instructions as {@code [KEYWORD, arg...]}, continuation lines joined, comments dropped. */
    private static List<List<String>> dockerfile(Path file) throws IOException {
        List<List<String>> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            instructions.add(instruction(current.toString().trim()));
            current.setLength(0);
        }
        return instructions;
    }

    private static List<String> instruction(String text) {
        String[] keywordAndRest = text.split("\\s+", 2);
        List<String> result = new ArrayList<>();
        result.add(keywordAndRest[0].toUpperCase(Locale.ROOT));
        String rest = keywordAndRest.length > 1 ? keywordAndRest[1].trim() : "";
        if (rest.startsWith("[")) {
            // Exec form: a JSON array of strings.
            Matcher strings = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(rest);
            while (strings.find()) {
                result.add(strings.group(1));
            }
        } else if (!rest.isEmpty()) {
            result.addAll(Arrays.asList(rest.split("\\s+")));
        }
        return result;
    }

    private static List<List<String>> arguments(List<List<String>> instructions, String keyword) {
        List<List<String>> result = new ArrayList<>();
        for (List<String> instruction : instructions) {
            if (instruction.get(0).equals(keyword)) {
                result.add(instruction.subList(1, instruction.size()));
            }
        }
        return result;
    }

    private static List<String> withoutFlags(List<String> arguments) {
        List<String> result = new ArrayList<>();
        for (String argument : arguments) {
            if (!argument.startsWith("--")) {
                result.add(argument);
            }
        }
        return result;
    }

    /**
     * Docker's rule: the last pattern that matches the path or one of its parent directories decides;
     * {@code *} and {@code ?} stay within one path segment, {@code **} spans segments.
     */
    private static boolean dockerIgnored(String path) throws IOException {
        boolean ignored = false;
        for (String line : Files.readAllLines(root.resolve(".dockerignore"))) {
            String pattern = line.trim();
            if (pattern.isEmpty() || pattern.startsWith("#")) {
                continue;
            }
            boolean exception = pattern.startsWith("!");
            if (exception) {
                pattern = pattern.substring(1).trim();
            }
            Pattern regex = Pattern.compile(globToRegex(pattern.replaceAll("^/+", "").replaceAll("/+$", "")));
            if (matchesOrParentMatches(regex, path)) {
                ignored = !exception;
            }
        }
        return ignored;
    }

    private static boolean matchesOrParentMatches(Pattern regex, String path) {
        String candidate = path;
        while (true) {
            if (regex.matcher(candidate).matches()) {
                return true;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            candidate = candidate.substring(0, slash);
        }
    }

    private static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    // --- Keycloak realm ------------------------------------------------------------------------------

    /** The realm file compose mounts into Keycloak's import directory; it must be this repository's file. */
    private static Path realmFile() {
        List<Path> mounted = new ArrayList<>();
        for (Object volume : list(service("keycloak").get("volumes"), "keycloak.volumes")) {
            String[] parts = String.valueOf(volume).split(":");
            if (parts.length >= 2 && parts[1].startsWith(KEYCLOAK_IMPORT_DIRECTORY) && parts[1].endsWith(".json")) {
                mounted.add(root.resolve(parts[0]).normalize());
            }
        }
        assertThat(mounted).as("realm files mounted into %s", KEYCLOAK_IMPORT_DIRECTORY)
                .containsExactly(root.resolve(REALM_FILE).normalize());
        assertThat(mounted.get(0)).isRegularFile();
        return mounted.get(0);
    }

    private static JsonNode realm() throws IOException {
        return new ObjectMapper().readTree(realmFile().toFile());
    }

    /**
     * The roles {@code Roles} in service-security declares ({@code WRITE -> ledger.write}, ...), read from its
     * source: local-stack does not depend on that module.
     */
    private static Map<String, String> ledgerRoles() throws IOException {
        String source = Files.readString(root.resolve(
                "service-security/src/main/java/org/agreementledger/security/Roles.java"));
        Matcher constants = Pattern.compile("static\\s+final\\s+String\\s+(\\w+)\\s*=\\s*\"([^\"]+)\"").matcher(source);
        Map<String, String> roles = new LinkedHashMap<>();
        while (constants.find()) {
            roles.put(constants.group(1), constants.group(2));
        }
        assertThat(roles).as("roles declared in Roles.java").containsOnlyKeys("WRITE", "AUDIT", "READ", "ADMIN");
        return roles;
    }

    private static String sameInBothServices(String key) throws IOException {
        String value = String.valueOf(property(SERVICES.get(0), key));
        for (String name : SERVICES) {
            assertThat(String.valueOf(property(name, key))).as("%s %s", name, key).isEqualTo(value);
        }
        return value;
    }

    /** The client's mapper of this type that writes into access tokens, or null. */
    private static JsonNode accessTokenMapper(JsonNode client, String type) {
        for (JsonNode mapper : client.path("protocolMappers")) {
            if (type.equals(mapper.path("protocolMapper").asText())
                    && "true".equals(mapper.path("config").path("access.token.claim").asText())) {
                return mapper;
            }
        }
        return null;
    }

    /** The value of the client's hard-coded access-token claim of that name, or null if it has none. */
    private static String hardCodedClaim(JsonNode client, String claim) {
        for (JsonNode mapper : client.path("protocolMappers")) {
            JsonNode config = mapper.path("config");
            if ("oidc-hardcoded-claim-mapper".equals(mapper.path("protocolMapper").asText())
                    && claim.equals(config.path("claim.name").asText())) {
                String clientId = client.path("clientId").asText();
                assertThat(config.path("access.token.claim").asText()).as("%s %s in access tokens", clientId, claim)
                        .isEqualTo("true");
                assertThat(config.path("jsonType.label").asText()).as("%s %s type", clientId, claim).isEqualTo("String");
                return config.path("claim.value").asText();
            }
        }
        return null;
    }

    /** The user a client's client-credentials tokens are issued for. */
    private static JsonNode serviceAccount(JsonNode realm, String clientId) {
        List<JsonNode> accounts = new ArrayList<>();
        for (JsonNode user : realm.path("users")) {
            if (clientId.equals(user.path("serviceAccountClientId").asText())) {
                accounts.add(user);
            }
        }
        assertThat(accounts).as("service-account users of %s", clientId).hasSize(1);
        assertThat(accounts.get(0).path("username").asText()).isEqualTo("service-account-" + clientId);
        return accounts.get(0);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        for (JsonNode element : array) {
            texts.add(element.asText());
        }
        return texts;
    }

    // --- files and YAML ------------------------------------------------------------------------------

    /** Surefire runs in the module directory, an IDE maybe elsewhere: look upwards for the compose file. */
    private static Path repositoryRoot() {
        Path directory = Path.of("").toAbsolutePath().normalize();
        while (directory != null) {
            if (Files.isRegularFile(directory.resolve("docker-compose.yml")) && Files.isRegularFile(directory.resolve("mvnw"))) {
                return directory;
            }
            directory = directory.getParent();
        }
        throw new IllegalStateException("no docker-compose.yml next to mvnw above " + Path.of("").toAbsolutePath());
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return map(new Yaml().load(Files.readString(file)), file.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String what) {
        assertThat(node).as(what).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node, String what) {
        assertThat(node).as(what).isInstanceOf(List.class);
        return (List<Object>) node;
    }
}
