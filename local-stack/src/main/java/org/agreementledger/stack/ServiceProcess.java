package org.agreementledger.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One service's executable jar running as a child process, its output in a log file of its own. */
final class ServiceProcess implements AutoCloseable {

    /**
     * Small heaps: the whole stack should stay under 1 GiB resident. A young generation of 24 MiB, because all of it is
     * touched between two collections, however little survives them (docs/benchmarks.md, run J); the old generation
     * shrunk to what the free ratios allow right after a full collection, not by 10, 40 and then 100 % of that over the
     * following ones, while promoted garbage grows it again (run M).
     */
    static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-Xmn24m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20",
            "-XX:-ShrinkHeapInSteps", "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=160m", "-XX:ReservedCodeCacheSize=64m", "-Xss512k",
            // a JVM out of heap is a zombie (the projection's Tomcat poller died and it took no connection, run Y):
            // it stops, and the launcher starts it again, as for any service that dies
            "-XX:+ExitOnOutOfMemoryError");

    /**
     * The projection's replays hold a poll's records, their fetch buffers and the COPY text across young collections,
     * about 2.5 MiB: more than the 2.4 MiB survivor space of a 24 MiB young generation, of which only half is
     * targeted, so every collection promoted them and the old generation filled every half second of a rebuild
     * (docs/benchmarks.md, run W). Larger survivor spaces, filled further, let them die young in the same 24 MiB.
     */
    static final List<String> PROJECTION_JVM_OPTIONS = List.of("-XX:SurvivorRatio=4", "-XX:TargetSurvivorRatio=90");

    /** glibc's per-thread malloc arenas would otherwise hold native memory a service does not need. */
    static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    /**
     * Runs the service through {@code sh}, so that it cannot outlive the launcher. Its stdin is a pipe from the
     * launcher, which reaches EOF when the launcher exits, however it exits (kill -9, the OOM killer). A background
     * watcher reads that pipe; the shell then execs java, so the service keeps the pid the launcher knows and the
     * launcher's SIGTERM reaches Spring directly. At EOF the watcher stops the service (SIGTERM, SIGKILL after
     * 10 s) if it is still its parent, that is, still this service (/proc/self/stat, Linux): a pid the system has
     * since given to another process is left alone. Nothing is added to the services.
     */
    private static final String DIE_WITH_LAUNCHER = """
            exec 3<&0 </dev/null
            (
              ours() { read -r _ _ _ parent _ </proc/self/stat 2>/dev/null && [ "$parent" = "$$" ]; }
              while read -r _; do :; done
              ours || exit 0
              kill -TERM $$
              for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 0.5; ours || exit 0; done
              kill -KILL $$
            ) <&3 &
            exec 3<&-
            exec "$@"
            """;

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;
    private final String healthUrl;
    private final RunDirectory run;
    private final ClassDataSharing.Launch launch;

    private ServiceProcess(String name, Process process, Path log, int port, String healthUrl, RunDirectory run,
                           ClassDataSharing.Launch launch) {
        this.launch = launch;
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
        this.healthUrl = healthUrl;
        this.run = run;
    }

    /** @param jvmOptions this service's own, after those of both */
    static ServiceProcess start(String name, Path jar, RunDirectory run, Path logDir, int port, String baseUrl,
                                List<String> jvmOptions, List<String> springArgs) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + " jar not found at " + jar.toAbsolutePath()
                    + "; build it first (./mvnw -DskipTests package)");
        }
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            ClassDataSharing.Launch launch = ClassDataSharing.prepare(name, jar, run.path());
            Path runnable = launch.jar();
            List<String> command = new ArrayList<>(List.of("sh", "-c", DIE_WITH_LAUNCHER, name));
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(JVM_OPTIONS);
            command.addAll(jvmOptions);
            command.addAll(launch.jvmOptions());
            command.add("-jar");
            command.add(runnable.toAbsolutePath().toString());
            command.addAll(springArgs);
            // stdin stays the default pipe, held open by this process until the service exits
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(ENVIRONMENT);
            Process process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            run.record(name, process.toHandle(), runnable);
            return new ServiceProcess(name, process, log, port, baseUrl + "/actuator/health", run, launch);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** Waits until the service reports UP (its PostgreSQL and Kafka reachable). */
    void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log + "\n" + tail());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(healthUrl))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"status\":\"UP\"")) {
                    requireAnsweredByThisProcess();
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + name);
            }
            sleep(250);
        }
        throw new IllegalStateException(name + " did not report UP within " + timeout + "; see " + log + "\n" + tail());
    }

    /**
     * An UP from the port is only this service's if it still runs and holds the port: not, say, an orphan of an
     * earlier launcher that kept the port, which this service then failed to bind.
     */
    private void requireAnsweredByThisProcess() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log + "\n" + tail());
        }
        Ports.heldByAnotherThan(process.pid(), port).ifPresent(holder -> {
            throw new IllegalStateException("port " + port + " answers, but " + Ports.describe(holder) + " holds it, not the "
                    + name + " this launcher started (pid " + process.pid() + "); stop that process or choose another port");
        });
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (process.waitFor(10, TimeUnit.SECONDS)) {
                ClassDataSharing.keep(launch, process.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** How it exited (137 when killed, 3 out of heap with {@code ExitOnOutOfMemoryError}); only once it has. */
    int exitValue() {
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /**
     * SIGTERM first, so Spring shuts down gracefully; killed if it takes longer than 20 s, or 60 s when the JVM writes
     * its class data archive as it exits (some 80 MB: ~8 s on 2 busy cores).
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            // SIGTERM alone: Process.destroy() would also close the service's stdin, on which its watcher then sends
            // SIGKILL 10 s later, cutting a shutdown that writes the class data archive
            process.toHandle().destroy();
            try {
                if (!process.waitFor(launch.recording().isPresent() ? 60 : 20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (!process.isAlive()) {
            run.forget(name);
            ClassDataSharing.keep(launch, process.exitValue());
        }
        // the service is gone: its watcher may go too
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
