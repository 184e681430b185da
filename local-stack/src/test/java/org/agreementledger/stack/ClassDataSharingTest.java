package org.agreementledger.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What builds and killed runs leave in target/cds does not pile up. */
class ClassDataSharingTest {

    @TempDir
    Path cds;

    @Test
    void aNewBuildRemovesTheClassDataOfTheServicesEarlierBuildsButNotOneStillRunning() throws Exception {
        Path earlier = service("ledger-service-00000000000000aa");
        Path running = service("ledger-service-00000000000000bb");
        Path current = service("ledger-service-00000000000000cc");
        Path otherService = service("projection-service-00000000000000aa");
        // a process whose command line names a jar in that directory, as a service's does
        Process stillRunning = new ProcessBuilder("sh", "-c", "sleep 60; : " + running.resolve("ledger-service.jar")).start();
        // until the child has exec'd: before that its command line is the JDK's spawn helper's
        await().atMost(Duration.ofSeconds(5)).until(() -> stillRunning.info().commandLine().orElse("").contains("sleep 60"));
        try {
            ClassDataSharing.pruneEarlierBuilds(current);
        } finally {
            stillRunning.destroy();
            stillRunning.waitFor(10, TimeUnit.SECONDS);
        }

        assertThat(earlier).doesNotExist();
        assertThat(running).isDirectory();
        assertThat(current.resolve("ledger-service.jar")).isRegularFile();
        assertThat(otherService).isDirectory();
    }

    @Test
    void anArchiveLeftHalfWrittenByAKilledLauncherIsRemovedButNotOneBeingRecorded() throws Exception {
        Path directory = service("ledger-service-00000000000000cc");
        Process deadLauncher = new ProcessBuilder("true").start();
        deadLauncher.waitFor(10, TimeUnit.SECONDS);
        Path abandoned = Files.createFile(directory.resolve("ledger-service-java17.jsa." + deadLauncher.pid() + "-1.part"));
        Path recording = Files.createFile(directory.resolve("ledger-service-java17.jsa." + ProcessHandle.current().pid() + "-2.part"));

        ClassDataSharing.pruneAbandonedParts(directory);

        assertThat(abandoned).doesNotExist();
        assertThat(recording).exists();
        assertThat(directory.resolve("ledger-service.jar")).isRegularFile();
    }

    private Path service(String name) throws IOException {
        Path directory = Files.createDirectories(cds.resolve(name));
        Files.writeString(directory.resolve("ledger-service.jar"), "not really a jar");
        return directory;
    }
}
