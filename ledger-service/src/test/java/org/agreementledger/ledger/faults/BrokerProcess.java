package org.agreementledger.ledger.faults;

import org.agreementledger.infra.EmbeddedKafkaBroker;
import org.agreementledger.infra.FreePorts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real KRaft broker in a process of its own, so that a test can stop it (SIGKILL) or freeze it (SIGSTOP) the way
 * an outage does, and bring it back on the same log directory and port.
 */
final class BrokerProcess implements AutoCloseable {

    private final Path logDir;
    private final int port = FreePorts.next();
    private final int controllerPort = FreePorts.next();
    private Process process;

    BrokerProcess() {
        try {
            logDir = Files.createTempDirectory("fault-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    String bootstrapServers() {
        return "localhost:" + port;
    }

    void start() {
        try {
            process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(),
                    logDir.toString(), Integer.toString(port), Integer.toString(controllerPort)))
                    .redirectErrorStream(true).start();
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line = output.readLine(); ; line = output.readLine()) {
                if (line == null) {
                    throw new IllegalStateException("the broker process exited before it was ready");
                }
                if (line.equals("READY")) {
                    break;
                }
            }
            Thread drain = new Thread(() -> output.lines().forEach(line -> { }), "broker-output");
            drain.setDaemon(true);
            drain.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker stops answering without closing a connection, like a host that hangs. */
    void freeze() {
        signal("STOP");
    }

    void thaw() {
        signal("CONT");
    }

    /** The broker dies at once (SIGKILL), as in a crash. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal(String name) {
        try {
            int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + name + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        thaw();
        kill();
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker.start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Duration.ofDays(1).toMillis());
    }
}
