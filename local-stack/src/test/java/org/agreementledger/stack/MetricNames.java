package org.agreementledger.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names that the Grafana dashboard and the Prometheus alert rules in {@code docker/} query, read from their
 * PromQL expressions, and the names a service's {@code /actuator/prometheus} exports. Shared by
 * {@link ObservabilityConfigurationTest} (against the checked-in list) and {@link LocalStackEndToEndIT} (against the
 * running services).
 */
final class MetricNames {

    static final String DASHBOARD = "docker/grafana/dashboards/agreement-ledger.json";
    static final String ALERTS = "docker/prometheus/alerts.yml";
    /** One line per metric, {@code <service> <sample name>}: what the dashboard and the rules may name. */
    static final String EXPORTED_LIST = "local-stack/src/test/resources/exported-metrics.txt";
    /** Series Prometheus makes itself for every scrape target; no service exports them. */
    static final Set<String> PROMETHEUS_OWN = Set.of("up");

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "(?i)\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][\\w:]*)");
    private static final Pattern SUFFIX = Pattern.compile("_(?:bucket|count|sum|max)$");

    private MetricNames() {
    }

    /** The metric names a PromQL expression selects (functions, keywords, labels and Grafana variables left out). */
    static Set<String> inExpression(String expression) {
        String text = STRING.matcher(expression).replaceAll(" ");
        text = text.replaceAll("\\{[^}]*}", " ");          // label matchers
        text = text.replaceAll("\\[[^\\]]*]", " ");        // ranges, [$__rate_interval]
        text = LABEL_LIST.matcher(text).replaceAll(" ");   // by (...), on (...), ...
        Set<String> names = new TreeSet<>();
        Matcher identifiers = IDENTIFIER.matcher(text);
        while (identifiers.find()) {
            String name = identifiers.group(1);
            String rest = text.substring(identifiers.end()).stripLeading();
            if (rest.startsWith("(") || KEYWORDS.contains(name.toLowerCase())) {
                continue; // a function or aggregation, or an operator
            }
            names.add(name);
        }
        return names;
    }

    /** Every expression of the dashboard's panels (rows included), by panel title. */
    static Map<String, String> dashboardExpressions(Path root) throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(root.resolve(DASHBOARD).toFile());
        Map<String, String> expressions = new LinkedHashMap<>();
        collect(dashboard.path("panels"), expressions);
        return expressions;
    }

    private static void collect(JsonNode panels, Map<String, String> expressions) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put(panel.path("title").asText() + " " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
            collect(panel.path("panels"), expressions);
        }
    }

    /** Every rule's expression, by alert (or record) name. */
    @SuppressWarnings("unchecked")
    static Map<String, String> alertExpressions(Path root) throws IOException {
        Map<String, Object> file = new Yaml().load(Files.readString(root.resolve(ALERTS)));
        Map<String, String> expressions = new LinkedHashMap<>();
        for (Object group : (List<Object>) file.get("groups")) {
            for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
                Map<String, Object> r = (Map<String, Object>) rule;
                Object name = r.containsKey("alert") ? r.get("alert") : r.get("record");
                expressions.put(String.valueOf(name), String.valueOf(r.get("expr")));
            }
        }
        return expressions;
    }

    /** The metric names the dashboard and the alert rules query, with where each is used. */
    static Map<String, Set<String>> usedByDashboardAndAlerts(Path root) throws IOException {
        Map<String, Set<String>> used = new java.util.TreeMap<>();
        dashboardExpressions(root).forEach((where, expression) -> inExpression(expression).forEach(
                name -> used.computeIfAbsent(name, n -> new TreeSet<>()).add("dashboard: " + where)));
        alertExpressions(root).forEach((where, expression) -> inExpression(expression).forEach(
                name -> used.computeIfAbsent(name, n -> new TreeSet<>()).add("alert " + where)));
        return used;
    }

    /** The checked-in list: service to the sample names it exports. */
    static Map<String, Set<String>> exportedList(Path root) throws IOException {
        Map<String, Set<String>> exported = new LinkedHashMap<>();
        for (String line : Files.readAllLines(root.resolve(EXPORTED_LIST))) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] serviceAndName = trimmed.split("\\s+");
            exported.computeIfAbsent(serviceAndName[0], s -> new TreeSet<>()).add(serviceAndName[1]);
        }
        return exported;
    }

    /** The sample names in a Prometheus text exposition, and their base names (without _count, _sum, ...). */
    static Set<String> inScrape(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher name = Pattern.compile("^([a-zA-Z_:][\\w:]*)").matcher(line);
            if (name.find()) {
                names.add(name.group(1));
                names.add(base(name.group(1)));
            }
        }
        return names;
    }

    static String base(String name) {
        return SUFFIX.matcher(name).replaceFirst("");
    }
}
