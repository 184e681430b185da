package org.agreementledger.benchmarks;

import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.stack.LocalStack;
import org.agreementledger.stack.StackConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The REST floor (module rest-floor) as a process of its own, started as the local stack starts a service: same
 * JVM options, the ledger's database, the stack's trusted key and issuer. Not part of the stack's memory.
 */
final class RestFloor implements AutoCloseable {

    private final Process process;
    private final String url;

    private RestFloor(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    static RestFloor start(Path jar, StackConfig config, LocalIdentityProvider identity, int port) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("REST floor jar not found at " + jar + "; build it (./mvnw -DskipTests package)");
        }
        Path log = config.dataDir().toAbsolutePath().resolve("logs").resolve("rest-floor.log");
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(LocalStack.serviceJvmOptions());
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(),
                "--server.port=" + port,
                "--spring.datasource.url=jdbc:postgresql://" + config.postgresHostPort() + "/ledger",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + identity.publicKeyFile().toAbsolutePath(),
                "--ledger.security.expected-issuer=" + LocalIdentityProvider.ISSUER));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(LocalStack.serviceEnvironment());
        Process process = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        RestFloor floor = new RestFloor(process, "http://localhost:" + port);
        // Ctrl-C on the benchmark must not leave it running
        Runtime.getRuntime().addShutdownHook(new Thread(floor::close, "rest-floor-shutdown"));
        floor.awaitUp(Duration.ofSeconds(120), log);
        return floor;
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    private void awaitUp(Duration timeout, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the REST floor exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the REST floor");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the REST floor");
            }
        }
        throw new IllegalStateException("the REST floor did not come up within " + timeout + "; see " + log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
