package org.agreementledger.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prometheus and Grafana in {@code docker-compose.yml}, which cannot run here: their files are checked against compose
 * and against what the services serve. Scrape targets are the compose services on their ports and actuator path; the
 * rule and dashboard files are the ones mounted; and every metric the alert rules and the dashboard name is in the
 * checked-in list of exported metrics (which {@link LocalStackEndToEndIT} checks against the running services).
 */
class ObservabilityConfigurationTest {

    private static final Map<String, String> SCRAPED = Map.of(
            "ledger-service", "8080",
            "projection-service", "8081");
    private static final String PROMETHEUS_CONFIG = "docker/prometheus/prometheus.yml";
    private static final String DATASOURCES = "docker/grafana/provisioning/datasources";
    private static final String DASHBOARD_PROVIDERS = "docker/grafana/provisioning/dashboards";

    private static Path root;
    private static Map<String, Object> services;

    @BeforeAll
    static void readCompose() throws IOException {
        root = repositoryRoot();
        services = map(yaml(root.resolve("docker-compose.yml")).get("services"), "services");
    }

    @Test
    void prometheusAndGrafanaRunFromPinnedImagesOnTheDocumentedPorts() {
        assertThat(services).containsKeys("prometheus", "grafana");
        assertThat(String.valueOf(service("prometheus").get("image"))).matches("prom/prometheus:v\\d+\\.\\d+\\.\\d+");
        assertThat(String.valueOf(service("grafana").get("image"))).matches("grafana/grafana:\\d+\\.\\d+\\.\\d+");
        assertThat(list(service("prometheus").get("ports"))).containsExactly("9090:9090");
        assertThat(list(service("grafana").get("ports"))).containsExactly("3000:3000");
    }

    @Test
    void prometheusScrapesBothComposeServicesOnTheirPortsAndOpenActuatorPath() throws IOException {
        Map<String, Object> config = yaml(root.resolve(PROMETHEUS_CONFIG));
        Map<String, String> targets = new TreeMap<>();
        for (Object job : list(config.get("scrape_configs"))) {
            Map<String, Object> scrape = map(job, "scrape_config");
            assertThat(scrape.get("metrics_path")).as("%s metrics_path", scrape.get("job_name"))
                    .isEqualTo("/actuator/prometheus");
            for (Object staticConfig : list(scrape.get("static_configs"))) {
                for (Object target : list(map(staticConfig, "static_config").get("targets"))) {
                    targets.put(String.valueOf(target), String.valueOf(scrape.get("job_name")));
                }
            }
        }
        Map<String, String> expected = new TreeMap<>();
        SCRAPED.forEach((service, port) -> expected.put(service + ":" + port, service));
        assertThat(targets).as("scrape targets -> job").isEqualTo(expected);

        for (Map.Entry<String, String> scraped : SCRAPED.entrySet()) {
            String service = scraped.getKey();
            assertThat(services).containsKey(service);
            assertThat(environmentOf(service).get("SERVER_PORT")).as("%s SERVER_PORT", service).isEqualTo(scraped.getValue());
            String exposure = String.valueOf(applicationProperty(service, "management.endpoints.web.exposure.include"));
            assertThat(List.of(exposure.split("\\s*,\\s*"))).as("%s exposes", service).contains("prometheus");
        }
        // Prometheus has no token: the path must be one service-security leaves open.
        assertThat(Files.readString(root.resolve(
                "service-security/src/main/java/org/agreementledger/security/LedgerSecurityAutoConfiguration.java")))
                .contains("\"/actuator/prometheus\"");
    }

    @Test
    void prometheusLoadsTheRepositorysConfigAndAlertRules() throws IOException {
        Map<String, String> mounts = mounts("prometheus");
        List<String> command = stringList(service("prometheus").get("command"));
        String configFile = command.stream().filter(a -> a.startsWith("--config.file=")).findFirst()
                .map(a -> a.substring("--config.file=".length())).orElse("/etc/prometheus/prometheus.yml");
        assertThat(mounts.get(configFile)).as("mounted at %s", configFile).isEqualTo(PROMETHEUS_CONFIG);

        List<String> ruleFiles = stringList(yaml(root.resolve(PROMETHEUS_CONFIG)).get("rule_files"));
        assertThat(ruleFiles).isNotEmpty();
        assertThat(ruleFiles).allSatisfy(file -> assertThat(mounts).as("rule file %s mounted", file).containsKey(file));
        assertThat(ruleFiles.stream().map(mounts::get)).containsExactly(MetricNames.ALERTS);
    }

    @Test
    void everyAlertHasASeverityASummaryAndARunbookSectionThatExists() throws IOException {
        Set<String> anchors = headingAnchors(root.resolve("docs/operations.md"));
        Map<String, Object> file = yaml(root.resolve(MetricNames.ALERTS));
        List<String> alerts = new ArrayList<>();
        for (Object group : list(file.get("groups"))) {
            for (Object item : list(map(group, "group").get("rules"))) {
                Map<String, Object> rule = map(item, "rule");
                String alert = String.valueOf(rule.get("alert"));
                alerts.add(alert);
                assertThat(map(rule.get("labels"), alert + ".labels").get("severity")).as("%s severity", alert)
                        .isIn("warning", "critical");
                Map<String, Object> annotations = map(rule.get("annotations"), alert + ".annotations");
                assertThat(annotations.get("summary")).as("%s summary", alert).isNotNull();
                String runbook = String.valueOf(annotations.get("runbook"));
                assertThat(runbook).as("%s runbook", alert).startsWith("docs/operations.md#");
                assertThat(anchors).as("%s runbook section", alert).contains(runbook.substring(runbook.indexOf('#') + 1));
            }
        }
        assertThat(alerts).contains("ProjectionLagHigh", "ProjectionOldestUnappliedTooOld", "ProjectionEventsParked",
                "PublicationStalled", "PublicationRefused", "CheckpointOlderThanTwiceItsInterval", "WorkSlow");
        // The operator's table names every rule.
        String operations = Files.readString(root.resolve("docs/operations.md"));
        assertThat(alerts).allSatisfy(alert -> assertThat(operations).contains("`" + alert + "`"));
    }

    @Test
    void everyMetricTheAlertsAndTheDashboardNameIsExportedByAService() throws IOException {
        Set<String> exported = new HashSet<>();
        MetricNames.exportedList(root).values().forEach(exported::addAll);
        Map<String, Set<String>> used = MetricNames.usedByDashboardAndAlerts(root);

        Map<String, Set<String>> unknown = new TreeMap<>(used);
        unknown.keySet().removeIf(name -> exported.contains(name) || MetricNames.PROMETHEUS_OWN.contains(name));
        assertThat(unknown).as("metrics named but not in %s", MetricNames.EXPORTED_LIST).isEmpty();
        assertThat(MetricNames.exportedList(root)).containsOnlyKeys(SCRAPED.keySet());

        // What the issue asks the dashboard and the rules to show is really there.
        assertThat(used).containsKeys("http_server_requests_seconds_count", "ledger_publication_lag_events",
                "ledger_publication_oldest_unpublished_age_seconds", "ledger_publication_refused", "projection_lag",
                "projection_oldest_unapplied_age_seconds", "projection_events_parked", "projection_agreements_held",
                "projection_command_to_view_seconds", "ledger_checkpoints_last_published_seconds",
                "ledger_checkpoints_last_current_seconds", "ledger_checkpoints_interval_seconds",
                "jvm_memory_used_bytes", "hikaricp_connections_active");
        assertThat(MetricNames.alertExpressions(root).values())
                .anySatisfy(e -> assertThat(MetricNames.inExpression(e)).contains("projection_lag"))
                .anySatisfy(e -> assertThat(MetricNames.inExpression(e)).contains("projection_events_parked"))
                .anySatisfy(e -> assertThat(MetricNames.inExpression(e)).contains("ledger_publication_refused"))
                .anySatisfy(e -> assertThat(MetricNames.inExpression(e))
                        .contains("ledger_publication_oldest_unpublished_age_seconds"))
                .anySatisfy(e -> assertThat(MetricNames.inExpression(e))
                        .contains("ledger_checkpoints_last_current_seconds", "ledger_checkpoints_interval_seconds"));
    }

    @Test
    void theMetricNameReaderSkipsFunctionsLabelsAndVariables() {
        assertThat(MetricNames.inExpression("sum by (status, uri) (rate(http_server_requests_seconds_count"
                + "{job=\"ledger-service\", status=~\"4..|5..\"}[$__rate_interval]))"))
                .containsExactly("http_server_requests_seconds_count");
        assertThat(MetricNames.inExpression("(time() - a_seconds > 2 * b_seconds) or (a_seconds != a_seconds"
                + " and on (job, instance) (process_uptime_seconds > 2e3 * b_seconds))"))
                .containsExactly("a_seconds", "b_seconds", "process_uptime_seconds");
        assertThat(MetricNames.base("projection_command_to_view_seconds_count")).isEqualTo("projection_command_to_view_seconds");
    }

    @Test
    void grafanaQueriesTheComposePrometheusAndLoadsTheStoredDashboard() throws IOException {
        Map<String, String> mounts = mounts("grafana");
        assertThat(mounts.get("/etc/grafana/provisioning")).isEqualTo("docker/grafana/provisioning");

        List<Path> datasourceFiles = yamlFiles(root.resolve(DATASOURCES));
        assertThat(datasourceFiles).hasSize(1);
        List<Object> datasources = list(yaml(datasourceFiles.get(0)).get("datasources"));
        assertThat(datasources).hasSize(1);
        Map<String, Object> datasource = map(datasources.get(0), "datasource");
        assertThat(datasource.get("type")).isEqualTo("prometheus");
        URI url = URI.create(String.valueOf(datasource.get("url")));
        assertThat(url.getHost()).isEqualTo("prometheus");
        assertThat(String.valueOf(url.getPort())).isEqualTo(
                String.valueOf(list(service("prometheus").get("ports")).get(0)).split(":")[1]);

        List<Path> providerFiles = yamlFiles(root.resolve(DASHBOARD_PROVIDERS));
        assertThat(providerFiles).hasSize(1);
        List<Object> providers = list(yaml(providerFiles.get(0)).get("providers"));
        assertThat(providers).hasSize(1);
        String path = String.valueOf(map(map(providers.get(0), "provider").get("options"), "options").get("path"));
        assertThat(mounts.get(path)).as("dashboards mounted at %s", path).isEqualTo("docker/grafana/dashboards");
        try (var files = Files.list(root.resolve("docker/grafana/dashboards"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("agreement-ledger.json");
        }
        String home = environmentOf("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(home).isEqualTo(path + "/agreement-ledger.json");

        JsonNode dashboard = new ObjectMapper().readTree(root.resolve(MetricNames.DASHBOARD).toFile());
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id %s unique", panel.path("id")).isTrue();
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("datasource").path("uid").asText()).as("%s datasource", panel.path("title"))
                        .isEqualTo(String.valueOf(datasource.get("uid")));
                assertThat(panel.path("targets")).as("%s queries", panel.path("title")).isNotEmpty();
                assertThat(panel.path("description").asText()).as("%s description", panel.path("title")).isNotBlank();
            }
        }
        // Refusals are shown by status: no meter carries the problem type, and the panel says so.
        assertThat(dashboard.path("panels")).anySatisfy(panel -> assertThat(panel.path("description").asText())
                .contains("problem type").contains("not a tag"));
    }

    // --- helpers -------------------------------------------------------------------------------------

    /** Container path to repository path, for the service's bind mounts (short syntax). */
    private static Map<String, String> mounts(String name) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object volume : list(service(name).get("volumes"))) {
            String[] parts = String.valueOf(volume).split(":");
            if (parts[0].startsWith("./")) {
                mounts.put(parts[1], root.relativize(root.resolve(parts[0]).normalize()).toString());
                assertThat(root.resolve(parts[0])).as("%s mounts %s", name, parts[0]).exists();
            }
        }
        return mounts;
    }

    private static Map<String, String> environmentOf(String name) {
        Map<String, String> environment = new LinkedHashMap<>();
        map(service(name).get("environment"), name + ".environment")
                .forEach((key, value) -> environment.put(key, String.valueOf(value)));
        return environment;
    }

    private static Object applicationProperty(String service, String key) throws IOException {
        Path file = root.resolve(service).resolve("src/main/resources/application.yml");
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
            Object node = document;
            for (String part : key.split("\\.")) {
                node = node instanceof Map<?, ?> children ? children.get(part) : null;
            }
            if (node != null) {
                return node;
            }
        }
        throw new AssertionError(key + " is not set in " + file);
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
    private static Set<String> headingAnchors(Path markdown) throws IOException {
        Set<String> anchors = new TreeSet<>();
        for (String line : Files.readAllLines(markdown)) {
            if (line.startsWith("#")) {
                String heading = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT);
                anchors.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    private static List<Path> yamlFiles(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static Map<String, Object> service(String name) {
        return map(services.get(name), "services." + name);
    }

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

    private static Map<String, Object> map(Object node, String what) {
        assertThat(node).as(what).isInstanceOf(Map.class);
        return cast(node);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object node) {
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node) {
        assertThat(node).isInstanceOf(List.class);
        return (List<Object>) node;
    }

    private static List<String> stringList(Object node) {
        return list(node).stream().map(String::valueOf).toList();
    }
}
