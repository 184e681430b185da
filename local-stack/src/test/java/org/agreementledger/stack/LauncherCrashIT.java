package org.agreementledger.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.infra.FreePorts;
import org.agreementledger.infra.LocalIdentityProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher killed the hard way (kill -9, as the OOM killer does): nothing it started may outlive it, and the
 * README's run command, given again, must bring the stack up with no manual step. A service killed under it is
 * started again by it. The launcher runs as its own
 * process, as the run command starts it, on a data directory and ports of its own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherCrashIT {

    private static final Duration UP_WITHIN = Duration.ofSeconds(180);
    /** The services get 10 s to shut down gracefully once their launcher is gone; then they are killed. */
    private static final Duration GONE_WITHIN = Duration.ofSeconds(20);

    private static Path data;
    private static List<String> options;
    private static Launcher launcher;
    private static String agreement;
    private static final List<ProcessHandle> everythingStarted = new ArrayList<>();

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void freePortsAndADataDirectory() throws IOException {
        data = Files.createTempDirectory("ledger-launcher-crash");
        options = List.of("--data-dir=" + data,
                "--kafka-port=" + FreePorts.next(), "--kafka-controller-port=" + FreePorts.next(),
                "--postgres-port=" + FreePorts.next(),
                "--ledger-port=" + FreePorts.next(), "--projection-port=" + FreePorts.next());
    }

    @AfterAll
    static void leaveNothingRunning() throws Exception {
        if (launcher != null) {
            launcher.process().destroy();
            launcher.process().waitFor(60, TimeUnit.SECONDS);
        }
        everythingStarted.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        // a quarter of a gigabyte, PostgreSQL's binaries included; the launchers' output stays in target/
        try (var files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void aKilledLauncherLeavesNothingBehindAndStartsAgain() throws Exception {
        launcher = Launcher.start(1);
        launcher.awaitUp();
        agreement = offerAndAwaitProjection();
        Map<String, ProcessHandle> children = stackProcesses();

        Launcher second = Launcher.start(2);
        assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.process().exitValue()).isEqualTo(1);
        assertThat(second.output()).contains("another launcher (pid " + launcher.process().pid() + ") is running the stack of " + data);
        assertThat(health(config().ledgerUrl())).isEqualTo("UP");

        long killedAt = System.nanoTime();
        launcher.process().destroyForcibly();
        for (Map.Entry<String, ProcessHandle> child : children.entrySet()) {
            assertThat(gone(child.getValue(), killedAt)).as("%s (pid %d) still runs %s after its launcher was killed",
                    child.getKey(), child.getValue().pid(), GONE_WITHIN).isTrue();
        }
        System.out.printf("Everything the killed launcher started was gone %.1f s after the kill%n",
                (System.nanoTime() - killedAt) / 1e9);

        long restartedAt = System.nanoTime();
        launcher = Launcher.start(3);
        launcher.awaitUp();
        System.out.printf("The launcher started again on the same data directory in %.1f s%n",
                (System.nanoTime() - restartedAt) / 1e9);
        assertThat(launcher.output()).doesNotContain("left running");
        assertTheStackAnswersWithEverythingRecorded();
    }

    @Test
    @Order(2)
    void whatALauncherCouldNotTakeWithItIsStoppedByTheNextOne() throws Exception {
        Map<String, ProcessHandle> orphans = stackProcesses();
        // The watchers that stop the services and PostgreSQL when the launcher dies are killed with it, as a kill of
        // a whole process tree would: the services and PostgreSQL stay behind, orphans holding their ports.
        launcher.process().descendants().filter(process -> process.info().command().orElse("").matches(".*/(ba|da)?sh"))
                .forEach(ProcessHandle::destroyForcibly);
        launcher.process().destroyForcibly();
        assertThat(launcher.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(2000);
        orphans.forEach((name, process) -> assertThat(process.isAlive()).as("%s survives without its watcher", name).isTrue());

        launcher = Launcher.start(4);
        launcher.awaitUp();
        assertThat(launcher.output())
                .contains("Stopped ledger-service (pid " + orphans.get("ledger-service").pid() + ") left running by an earlier launcher")
                .contains("Stopped projection-service (pid " + orphans.get("projection-service").pid() + ") left running by an earlier launcher")
                .contains("Stopped PostgreSQL (pid " + orphans.get("PostgreSQL").pid() + ") left running on");
        orphans.forEach((name, process) -> assertThat(process.isAlive()).as(name).isFalse());
        assertTheStackAnswersWithEverythingRecorded();
    }

    @Test
    @Order(3)
    void aServiceThatDiesIsStartedAgainByItsLauncherAndTheStackGoesOn() throws Exception {
        ProcessHandle killed = process(servicePid("projection-service"));
        killed.destroyForcibly();
        long deadline = System.nanoTime() + UP_WITHIN.toNanos();
        while (!projectionUpAgain(killed.pid())) {
            assertThat(launcher.process().isAlive()).as("the launcher lives on:\n%s", launcher.output()).isTrue();
            assertThat(System.nanoTime()).as("the projection started again in time:\n%s", launcher.output())
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
        stackProcesses();
        assertThat(launcher.output()).contains("projection-service stopped unexpectedly (exit 137); starting it again");
        assertTheStackAnswersWithEverythingRecorded();
    }

    private boolean projectionUpAgain(long deadPid) {
        try {
            long pid = servicePid("projection-service");
            return pid != deadPid && health(config().projectionUrl()).equals("UP");
        } catch (Exception notYet) {
            return false;
        }
    }

    /** The services and the postmaster, as the launcher's pid files and PostgreSQL's name them. */
    private static Map<String, ProcessHandle> stackProcesses() throws IOException {
        Map<String, ProcessHandle> processes = Map.of(
                "ledger-service", process(servicePid("ledger-service")),
                "projection-service", process(servicePid("projection-service")),
                "PostgreSQL", process(Long.parseLong(Files.readAllLines(data.resolve("postgres").resolve("postmaster.pid")).get(0).trim())));
        everythingStarted.addAll(processes.values());
        return processes;
    }

    private static long servicePid(String name) throws IOException {
        Properties entry = new Properties();
        try (Reader in = Files.newBufferedReader(data.resolve("run").resolve(name + ".pid"))) {
            entry.load(in);
        }
        return Long.parseLong(entry.getProperty("pid"));
    }

    private static ProcessHandle process(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new AssertionError("no running process " + pid));
    }

    private static boolean gone(ProcessHandle process, long since) throws InterruptedException {
        while (process.isAlive()) {
            if (System.nanoTime() - since > GONE_WITHIN.toNanos()) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    private void assertTheStackAnswersWithEverythingRecorded() throws Exception {
        assertThat(health(config().ledgerUrl())).isEqualTo("UP");
        assertThat(health(config().projectionUrl())).isEqualTo("UP");
        HttpResponse<String> recorded = get(config().ledgerUrl() + "/agreements/" + agreement);
        assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(200);
        assertThat(get(config().projectionUrl() + "/agreements/" + agreement).statusCode()).isEqualTo(200);
        offerAndAwaitProjection();
    }

    /** A new offer, recorded by the ledger and projected from Kafka: every part of the stack works. */
    private String offerAndAwaitProjection() throws Exception {
        HttpResponse<String> offered = http.send(HttpRequest.newBuilder(URI.create(config().ledgerUrl() + "/agreements"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalTokens.countryToken(identity(), "SV"))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"offeringParty": "SV", "otherParties": ["US"],
                         "title": "Deportees of any nationality into CECOT, for a fee", "offeredOn": "2025-02-03"}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(offered.statusCode()).as(offered.body()).isEqualTo(201);
        String id = json.readTree(offered.body()).get("agreementId").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (get(config().projectionUrl() + "/agreements/" + id).statusCode() != 200) {
            assertThat(System.nanoTime()).as("agreement %s projected in time", id).isLessThan(deadline);
            Thread.sleep(100);
        }
        return id;
    }

    private String health(String url) throws Exception {
        JsonNode body = json.readTree(http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        return body.get("status").asText();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + LocalTokens.presets(identity()).get("DASHBOARD")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static LocalIdentityProvider identity() {
        return LocalIdentityProvider.loadOrCreate(data.resolve("keys"));
    }

    private static StackConfig config() {
        return StackConfig.parse(options.toArray(String[]::new));
    }

    /** {@code java -cp … LocalStack <options>}, as the run command starts it; its output in a file. */
    private record Launcher(Process process, Path log) {

        static Launcher start(int number) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Dledger.jar=" + System.getProperty("ledger.jar"),
                    "-Dprojection.jar=" + System.getProperty("projection.jar"),
                    "-cp", System.getProperty("java.class.path"), LocalStack.class.getName()));
            command.addAll(options);
            Path log = Files.createDirectories(Path.of("target", "launcher-crash")).resolve("launcher-" + number + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            everythingStarted.add(process.toHandle());
            return new Launcher(process, log);
        }

        void awaitUp() throws Exception {
            long deadline = System.nanoTime() + UP_WITHIN.toNanos();
            while (!output().contains("Agreement Ledger is up")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the launcher did not come up (" + (process.isAlive() ? "still running"
                            : "exit " + process.exitValue()) + "):\n" + output());
                }
                Thread.sleep(250);
            }
        }

        String output() throws IOException {
            return Files.readString(log);
        }
    }
}
