package org.agreementledger.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.client.contract.ApiDocument;
import org.agreementledger.client.contract.ValidatingHttpClient;
import org.agreementledger.auditor.Auditor;
import org.agreementledger.contract.ContractLimits;
import org.agreementledger.infra.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's story, end to end: the real stack as the run command starts it (PostgreSQL, Kafka, both
 * services as processes), commands over HTTP, the views built from the topic, and a restart that keeps it all.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackEndToEndIT {

    private static final String FIRST_OFFER = """
            {"offeringParty": "SV", "otherParties": ["US"],
             "title": "Deportees of any nationality into CECOT, for a fee", "offeredOn": "2025-02-03"}""";
    private static final String IDEMPOTENCY_KEY = "ministry-of-foreign-affairs-sv-0001";

    private static StackConfig config;
    private static LocalStack stack;
    private static String firstAgreement;

    /** Every answer the test reads is first checked against the committed OpenAPI document of the service that gave it. */
    private static final AtomicInteger VALIDATED = new AtomicInteger();
    private static HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startTheStack() throws Exception {
        Path data = Files.createTempDirectory("ledger-e2e");
        config = StackConfig.parse(new String[]{
                "--data-dir=" + data,
                "--kafka-port=" + FreePorts.next(), "--kafka-controller-port=" + FreePorts.next(),
                "--postgres-port=" + FreePorts.next(),
                "--ledger-port=" + FreePorts.next(), "--projection-port=" + FreePorts.next()});
        stack = LocalStack.start(config);
        http = new ValidatingHttpClient(HttpClient.newHttpClient(), uri -> uri.getPort() == config.ledgerPort()
                ? ApiDocument.committed("ledger-service") : ApiDocument.committed("projection-service"), VALIDATED);
    }

    @AfterAll
    static void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void anOfferMadeOverHttpAppearsInTheProjectionBuiltFromKafka() throws Exception {
        assertThat(field(get(config.ledgerUrl() + "/actuator/health"), "status")).isEqualTo("UP");
        assertThat(field(get(config.projectionUrl() + "/actuator/health"), "status")).isEqualTo("UP");

        HttpResponse<String> offered = post(config.ledgerUrl() + "/agreements", FIRST_OFFER, IDEMPOTENCY_KEY);
        assertThat(offered.statusCode()).isEqualTo(201);
        firstAgreement = json.readTree(offered.body()).get("agreementId").asText();
        assertThat(offered.headers().firstValue("Location")).hasValue(config.ledgerUrl() + "/agreements/" + firstAgreement);

        JsonNode projected = await(config.projectionUrl() + "/agreements/" + firstAgreement, node -> true);
        assertThat(projected.get("offeringParty").asText()).isEqualTo("SV");
        assertThat(projected.get("parties").toString()).isEqualTo("[\"SV\",\"US\"]");
        assertThat(projected.get("status").asText()).isEqualTo("OFFERED");
    }

    @Test
    @Order(2)
    void badInputIsRefusedWithAProblemNamingTheField() throws Exception {
        HttpResponse<String> refused = post(config.ledgerUrl() + "/agreements", """
                {"offeringParty": "SV", "otherParties": ["ZZ"], "title": "t", "offeredOn": "2025-02-03"}""");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(refused.body()).get("field").asText()).isEqualTo("otherParties[0]");
    }

    @Test
    @Order(3)
    void theRealAgreementsOfFebruary2025ShowInEveryView() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int validatedBefore = VALIDATED.get();
        Scenario.Outcome outcome = new Scenario(config.ledgerUrl(), LocalTokens.countryTokens(stack.identity()),
                new PrintStream(printed, true, StandardCharsets.UTF_8), http).run();
        assertThat(VALIDATED.get() - validatedBefore).as("every answer of the scenario matched the API document").isGreaterThan(10);

        assertThat(outcome.refusal().get("type").asText()).isEqualTo("https://agreement-ledger.org/problems/own-citizen-removal");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("own-citizen-removal");

        String cecot = outcome.agreements().get("SV-US CECOT");
        JsonNode elSalvador = await(config.projectionUrl() + "/agreements/" + cecot, node -> node.get("version").asLong() >= 6);
        assertThat(elSalvador.get("status").asText()).isEqualTo("IN_FORCE");
        assertThat(elSalvador.get("terms").get("commitments").get(0).get("facility").asText()).isEqualTo("CECOT");
        JsonNode history = await(config.projectionUrl() + "/agreements/" + cecot + "/history", node -> node.size() >= 7);
        assertThat(history.get(0).get("principal").asText()).isEqualTo("integration-service-sv");
        assertThat(history.get(0).get("country").asText()).isEqualTo("SV");
        assertThat(history.get(1).get("country").asText()).isEqualTo("US");
        assertThat(history.get(0).get("correlationId").asText()).isEqualTo("scenario-feb-2025");
        assertThat(elSalvador.get("terms").get("commitments").get(1).get("nationalities").get("nationalities").toString())
                .isEqualTo("[\"US\"]");
        JsonNode fees = await(config.projectionUrl() + "/agreements/" + cecot + "/fees", node -> node.size() == 1
                && node.get(0).get("paid").asText().equals("6000000.00"));
        assertThat(fees.get(0).get("assessed").asText()).isEqualTo("5220000.00");
        assertThat(fees.get(0).get("outstanding").asText()).isEqualTo("-780000.00");
        assertThat(fees.get(0).get("currency").asText()).isEqualTo("USD");

        JsonNode elSalvadorCommits = await(config.projectionUrl() + "/countries/SV/commitments", node -> node.get("accepts").size() == 2);
        assertThat(elSalvadorCommits.get("accepts").get(0).get("personsReceived").asLong()).isEqualTo(261);
        assertThat(elSalvadorCommits.get("accepts").get(1).get("nationalities").toString()).contains("US");
        assertThat(elSalvadorCommits.get("accepts").get(1).get("personsReceived").asLong()).isZero();
        assertThat(elSalvadorCommits.get("isOwed").get(0).get("outstanding").asText()).isEqualTo("-780000.00");

        String guatemala = outcome.agreements().get("GT-US safe third country");
        JsonNode safeThirdCountry = await(config.projectionUrl() + "/agreements/" + guatemala,
                node -> node.get("status").asText().equals("IN_FORCE"));
        assertThat(safeThirdCountry.get("terms").get("commitments").get(1).get("increasePercent").asInt()).isEqualTo(40);
        assertThat(safeThirdCountry.get("terms").get("commitments").get(0).get("pendingOnwardReturn").asBoolean()).isTrue();

        String darien = outcome.agreements().get("PA-CO-US return flights");
        JsonNode flights = await(config.projectionUrl() + "/agreements/" + darien + "/transfers",
                node -> node.size() == 1 && node.get(0).get("status").asText().equals("COMPLETED"));
        assertThat(flights.get(0).get("persons").asInt()).isEqualTo(43);
        assertThat(flights.get(0).get("fromCountry").asText()).isEqualTo("PA");
        assertThat(flights.get(0).get("toCountry").asText()).isEqualTo("CO");
        assertThat(flights.get(0).get("headcounts").toString()).contains("\"count\":32").contains("\"count\":11");

        JsonNode colombians = json.readTree(get(config.projectionUrl() + "/transfers?nationality=CO&from=2025-02-01&to=2025-02-28").body());
        assertThat(colombians.get("matching").asLong()).isEqualTo(1);
        assertThat(colombians.get("totalPersons").asLong()).isEqualTo(43);
        assertThat(colombians.get("totals").toString())
                .contains("{\"nationality\":\"CO\",\"category\":\"IRREGULAR_MIGRANT\",\"sex\":\"FEMALE\",\"persons\":11}")
                .contains("{\"nationality\":\"CO\",\"category\":\"IRREGULAR_MIGRANT\",\"sex\":\"MALE\",\"persons\":32}");
        JsonNode toElSalvador = json.readTree(get(config.projectionUrl() + "/transfers?country=SV&category=GANG_MEMBER").body());
        assertThat(toElSalvador.get("totalPersons").asLong()).isEqualTo(261);
        assertThat(get(config.projectionUrl() + "/transfers?nationality=XX").statusCode()).isEqualTo(400);

        for (String country : new String[]{"MX", "CR", "DO"}) {
            JsonNode negotiation = await(config.projectionUrl() + "/agreements/" + outcome.agreements().get("US-" + country + " negotiation"),
                    node -> true);
            assertThat(negotiation.get("status").asText()).isEqualTo("OFFERED");
        }
        JsonNode withUs = json.readTree(get(config.projectionUrl() + "/agreements?party=US&size=500").body());
        assertThat(withUs.size()).isGreaterThanOrEqualTo(7);
    }

    @Test
    @Order(4)
    void aRestartOfTheStackKeepsEveryAgreementAndEveryIdempotencyKey() throws Exception {
        stack.close();
        stack = LocalStack.start(config);
        for (long service : List.of(stack.ledgerPid(), stack.projectionPid())) {
            // the classes a clean stop archived are mapped, not loaded again (ClassDataSharing)
            assertThat(Files.readString(Path.of("/proc", Long.toString(service), "maps")))
                    .as("service %d maps a class data archive", service).containsPattern("/target/cds/[^\\s]+\\.jsa");
        }

        assertThat(Files.readString(config.dataDir().resolve("keys").resolve("signing-key.pub.pem"))).contains("PUBLIC KEY");
        JsonNode kept = await(config.projectionUrl() + "/agreements/" + firstAgreement, node -> true);
        assertThat(kept.get("title").asText()).isEqualTo("Deportees of any nationality into CECOT, for a fee");
        HttpResponse<String> record = get(config.ledgerUrl() + "/agreements/" + firstAgreement);
        assertThat(record.statusCode()).isEqualTo(200);
        assertThat(json.readTree(record.body()).get("events")).hasSize(1);

        HttpResponse<String> retried = post(config.ledgerUrl() + "/agreements", FIRST_OFFER, IDEMPOTENCY_KEY);
        assertThat(retried.statusCode()).isEqualTo(201);
        assertThat(json.readTree(retried.body()).get("agreementId").asText()).isEqualTo(firstAgreement);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    @Order(5)
    void theDashboardShowsTheLedgerAtAGlanceAndNewEventsWithoutAReloadInARealBrowser() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path chromedriver = Path.of("/usr/bin/chromedriver");
        Assumptions.assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(chromedriver),
                "needs Debian's chromium and chromium-driver (.ci/run installs them)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--hide-scrollbars", "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
            String dashboard = LocalTokens.presets(stack.identity()).get("DASHBOARD");
            browser.get(config.projectionUrl() + "/?token=" + dashboard);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.until(ExpectedConditions.textToBe(By.id("connection"), "live"));
            wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", "true"));
            browser.executeScript("window.notReloaded = true;");

            // at a glance: names beside codes, charts, plain fee balances, the latest events already there
            WebElement elSalvador = browser.findElement(By.id("country-SV"));
            assertThat(elSalvador.findElement(By.tagName("h3")).getText()).isEqualTo("El Salvador SV");
            assertThat(browser.findElement(By.id("country-GT")).getText()).contains("Guatemala");
            assertThat(elSalvador.findElements(By.cssSelector("[data-chart=transfers] svg[role=img] rect.received"))).isNotEmpty();
            assertThat(elSalvador.getText()).contains("United States holds a credit of USD 780,000.00 with El Salvador");
            assertThat(browser.findElement(By.id("country-US")).getText()).contains("United States holds a credit of USD 780,000.00");
            WebElement flights = browser.findElement(By.cssSelector("#country-GT [data-chart=volume] svg[role=img]"));
            assertThat(flights.getDomAttribute("aria-label")).contains("Deportation flights per month").contains("+40 %");
            assertThat(browser.findElements(By.cssSelector("#feed li"))).as("the latest events, on load").hasSizeGreaterThan(5);
            assertThat(browser.findElement(By.id("agreements")).getText()).contains("In force").contains("El Salvador · United States");
            assertThat(browser.findElement(By.id("total-people")).getText()).contains("304");
            assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
                    .as("nothing the page loads fails (a 404 shows as a console error)")
                    .noneMatch(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue());
            assertThat(browser.findElements(By.id("country-HN"))).isEmpty();

            // new events arrive without a reload: an offer to Honduras, and a flight to Guatemala under its +40 %
            HttpResponse<String> offered = http.send(HttpRequest.newBuilder(URI.create(config.ledgerUrl() + "/agreements"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + LocalTokens.countryToken(stack.identity(), "US"))
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"offeringParty": "US", "otherParties": ["HN"], "offeredOn": "2025-02-20",
                             "title": "Under negotiation: acceptance of deportees by Honduras",
                             "commitments": [{"type": "accept-people", "party": "HN", "nationalities": {"kind": "OWN"},
                                              "categories": ["IRREGULAR_MIGRANT"], "capacity": {"persons": 500, "period": "MONTH"}}]}"""))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(offered.statusCode()).isEqualTo(201);
            String honduras = json.readTree(offered.body()).get("agreementId").asText();
            String guatemala = json.readTree(get(config.projectionUrl() + "/agreements?party=GT&status=IN_FORCE").body())
                    .get(0).get("agreementId").asText();
            HttpResponse<String> flight = postAs("US", config.ledgerUrl() + "/agreements/" + guatemala + "/transfers", """
                    {"fromCountry": "US", "toCountry": "GT", "transferDate": "2025-03-10", "reference": "deportation flight",
                     "headcounts": [{"nationality": "HN", "category": "IRREGULAR_MIGRANT", "sex": "MALE", "count": 96},
                                    {"nationality": "HN", "category": "IRREGULAR_MIGRANT", "sex": "FEMALE", "count": 39}]}""");
            assertThat(flight.statusCode()).as(flight.body()).isEqualTo(201);

            WebElement hondurasCard = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("country-HN")));
            wait.until(ExpectedConditions.textToBePresentInElement(hondurasCard, "Accepts its own nationals"));
            assertThat(hondurasCard.getText()).contains("Honduras").contains("Offered 1").contains("500 people per month");
            assertThat(hondurasCard.findElements(By.cssSelector("[data-chart=capacity] svg[role=img] rect.used"))).isNotEmpty();
            wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#country-GT [data-chart=volume] rect[data-month='2025-03'][data-value='1']")));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("total-people"), "439"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed"), "135 people, United States → Guatemala"));
            assertThat(browser.findElement(By.id("feed")).getText()).contains("Agreement offered");
            assertThat(browser.executeScript("return window.notReloaded === true;")).isEqualTo(true);

            // an agreement's history opens on the same page
            browser.findElement(By.cssSelector("#agreements tr[data-agreement='" + honduras + "'] a.history-link")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("history-list"), "Agreement offered"));
            assertThat(browser.findElement(By.id("history-heading")).getText())
                    .isEqualTo("History: Under negotiation: acceptance of deportees by Honduras");
            browser.findElement(By.cssSelector("#history a.close")).click();
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("history")));

            assertThat(seriousAccessibilityViolations(browser)).as("axe-core: serious or critical violations").isEmpty();
            Path images = Path.of("target", "dashboard");
            Files.createDirectories(images);
            browser.executeScript("window.scrollTo(0, 0);");
            Files.write(images.resolve("dashboard-desktop.png"), browser.getScreenshotAs(OutputType.BYTES));
            browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
            browser.navigate().refresh();
            wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", "true"));
            assertThat(browser.executeScript("return document.documentElement.scrollWidth <= window.innerWidth;"))
                    .as("no horizontal scrolling at phone width").isEqualTo(true);
            assertThat(seriousAccessibilityViolations(browser)).as("axe-core at phone width").isEmpty();
            Files.write(images.resolve("dashboard-phone.png"), browser.getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }

    /** axe-core's serious and critical findings on the page as it is, one line each (the script is injected by the test only). */
    private static List<String> seriousAccessibilityViolations(ChromeDriver browser) throws Exception {
        java.util.Properties webjar = new java.util.Properties();
        try (var pom = LocalStackEndToEndIT.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
            assertThat(pom).as("the axe-core webjar on the test class path").isNotNull();
            webjar.load(pom);
        }
        try (var axe = LocalStackEndToEndIT.class.getResourceAsStream(
                "/META-INF/resources/webjars/axe-core/" + webjar.getProperty("version") + "/axe.min.js")) {
            browser.executeScript(new String(axe.readAllBytes(), StandardCharsets.UTF_8));
        }
        Object found = browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']}).then(results => done(results.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
                  .catch(e => done(['axe failed: ' + e]));""");
        List<String> violations = new ArrayList<>();
        ((List<?>) found).forEach(v -> violations.add(String.valueOf(v)));
        return violations;
    }

    @Test
    @Order(6)
    void theLargestAmountsCountsDatesAndOddestTextsTheLedgerAcceptsAreShownExactlyByTheProjectionAndTheAuditor()
            throws Exception {
        StringBuilder oddities = new StringBuilder("The contract's extremes: ");
        for (char control = 1; control < 0x20; control++) {
            oddities.append(control);
        }
        oddities.append("\u007f\u2028\u2029\u202e\ufeff\"\\/ 🛫 ñ");
        String title = oddities + "x".repeat(ContractLimits.MAX_TITLE_LENGTH - oddities.length());
        String offer = post(config.ledgerUrl() + "/agreements", """
                {"offeringParty": "SV", "otherParties": ["US"], "title": %s, "offeredOn": "0001-01-01",
                 "commitments": [{"type": "accept-people", "party": "SV", "nationalities": {"kind": "ANY"},
                                  "categories": ["IRREGULAR_MIGRANT"]}],
                 "feeSchedules": [{"payer": "US", "payee": "SV", "amount": {"amount": "999999999999999.99", "currency": "USD"},
                                   "basis": "PER_PERSON"}]}""".formatted(json.writeValueAsString(title))).body();
        String agreement = json.readTree(offer).get("agreementId").asText();
        String base = config.ledgerUrl() + "/agreements/" + agreement;
        assertThat(postAs("US", base + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"0001-01-01\"}").statusCode())
                .isEqualTo(200);
        List<String> lines = new ArrayList<>();
        for (String nationality : FIFTY_NATIONALITIES) {
            for (String sex : List.of("MALE", "FEMALE")) {
                lines.add("{\"nationality\": \"%s\", \"category\": \"IRREGULAR_MIGRANT\", \"sex\": \"%s\", \"count\": 100000}"
                        .formatted(nationality, sex));
            }
        }
        HttpResponse<String> transfer = postAs("US", base + "/transfers", """
                {"fromCountry": "US", "toCountry": "SV", "transferDate": "9999-12-31", "headcounts": [%s]}"""
                .formatted(String.join(",", lines)));
        assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(201);
        String transferId = json.readTree(transfer.body()).get("transferId").asText();
        assertThat(postAs("US", base + "/transfers/" + transferId + "/completion", "{\"completedOn\": \"9999-12-31\"}")
                .statusCode()).isEqualTo(200);
        assertThat(postAs("US", base + "/fee-payments", """
                {"payer": "US", "payee": "SV", "amount": {"amount": "999999999999999.99", "currency": "USD"}, "paidOn": "9999-12-31"}""")
                .statusCode()).isEqualTo(201);
        HttpResponse<String> beyond = postAs("US", base + "/fee-payments", """
                {"payer": "US", "payee": "SV", "amount": {"amount": "1.00", "currency": "USD"}, "paidOn": "+10000-01-01"}""");
        assertThat(beyond.statusCode()).as("a date no reader could hold is refused at the door").isEqualTo(400);
        assertThat(json.readTree(beyond.body()).get("field").asText()).isEqualTo("paidOn");

        BigDecimal assessed = new BigDecimal("999999999999999.99").multiply(BigDecimal.valueOf(10_000_000));
        BigDecimal outstanding = assessed.subtract(new BigDecimal("999999999999999.99"));
        assertThat(get(base).body()).as("the ledger's own record").contains("\"" + assessed.toPlainString() + "\"");
        JsonNode fees = await(config.projectionUrl() + "/agreements/" + agreement + "/fees",
                node -> node.size() == 1 && node.get(0).get("paid").asText().equals("999999999999999.99"));
        assertThat(new BigDecimal(fees.get(0).get("assessed").asText())).isEqualByComparingTo(assessed);
        assertThat(new BigDecimal(fees.get(0).get("outstanding").asText())).isEqualByComparingTo(outstanding);
        JsonNode transfers = await(config.projectionUrl() + "/agreements/" + agreement + "/transfers", node -> node.size() == 1);
        assertThat(transfers.get(0).get("persons").asLong()).isEqualTo(10_000_000L);
        assertThat(transfers.get(0).get("transferDate").asText()).isEqualTo("9999-12-31");
        assertThat(await(config.projectionUrl() + "/agreements/" + agreement, node -> node.has("offeredOn"))
                .get("offeredOn").asText()).isEqualTo("0001-01-01");
        assertThat(json.readTree(get(config.projectionUrl() + "/agreements/" + agreement).body()).get("title").asText())
                .as("every character of the title").isEqualTo(title);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Auditor.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), "compare", "--bootstrap-servers", config.kafkaBootstrap(),
                "--no-progress", "--projection-url", config.projectionUrl(),
                "--token", LocalTokens.presets(stack.identity()).get("AUDITOR"));
        assertThat(out.toString(StandardCharsets.UTF_8)).as("auditor compare").contains("IDENTICAL");
        assertThat(code).isZero();
    }

    /**
     * The Grafana dashboard and the Prometheus alert rules in docker/ name only metrics these services export (the
     * local stack runs the same jars as compose), and the checked-in list ObservabilityConfigurationTest reads is true.
     */
    @Test
    @Order(7)
    void everyMetricTheDashboardAndTheAlertRulesNameIsExportedByTheServices() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("docker-compose.yml"))) {
            root = root.getParent();
        }
        java.util.Map<String, java.util.Set<String>> exported = new java.util.TreeMap<>();
        for (String[] service : new String[][] {{"ledger-service", config.ledgerUrl()},
                {"projection-service", config.projectionUrl()}}) {
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(service[1] + "/actuator/prometheus"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).as("%s /actuator/prometheus without a token", service[0]).isEqualTo(200);
            exported.put(service[0], MetricNames.inScrape(scrape.body()));
        }
        java.util.Set<String> exportedByEither = new java.util.TreeSet<>();
        exported.values().forEach(exportedByEither::addAll);

        java.util.Map<String, java.util.Set<String>> missing = new java.util.TreeMap<>(MetricNames.usedByDashboardAndAlerts(root));
        missing.keySet().removeIf(name -> MetricNames.PROMETHEUS_OWN.contains(name)
                || exportedByEither.contains(name) || exportedByEither.contains(MetricNames.base(name)));
        assertThat(missing).as("metrics the dashboard and alert rules name that neither service exports").isEmpty();

        MetricNames.exportedList(root).forEach((service, names) -> assertThat(exported.get(service))
                .as("%s exports what %s lists", service, MetricNames.EXPORTED_LIST).containsAll(names));
    }

    private static final List<String> FIFTY_NATIONALITIES = List.of("AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC",
            "GT", "HN", "HT", "JM", "MX", "NI", "PA", "PE", "PY", "UY", "VE", "AF", "BD", "CN", "EG", "ER", "ET", "GH", "IN",
            "IQ", "IR", "KE", "LK", "MA", "NG", "NP", "PK", "PH", "SD", "SN", "SO", "SY", "TR", "UA", "UZ", "VN", "YE", "ZW",
            "CM", "ML", "GN");

    /** Posts as the given country's integration service. */
    private HttpResponse<String> postAs(String country, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalTokens.countryToken(stack.identity(), country))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String field(HttpResponse<String> response, String name) throws Exception {
        return json.readTree(response.body()).get(name).asText();
    }

    /** Reads as a dashboard: every view. */
    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + LocalTokens.presets(stack.identity()).get("DASHBOARD")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Posts as El Salvador's integration service. */
    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalTokens.countryToken(stack.identity(), "SV"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body, String idempotencyKey) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalTokens.countryToken(stack.identity(), "SV"))
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode await(String url, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        HttpResponse<String> response;
        do {
            response = get(url);
            if (response.statusCode() == 200 && until.test(json.readTree(response.body()))) {
                return json.readTree(response.body());
            }
            Thread.sleep(25);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no matching answer from " + url + " in time; last: " + response.statusCode() + " " + response.body());
    }
}
