package org.agreementledger.stack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Class data sharing (CDS) for the services: the JVM maps the classes a service loaded in an earlier run from an
 * archive instead of reading, parsing and verifying them again at every start (docs/benchmarks.md, run U). CDS needs
 * the jar extracted (Spring Boot's {@code -Djarmode=tools extract}) at the same path at every start, so each build of a
 * jar is extracted once, into a directory beside it named by what the jar holds; a changed jar gets a new one, and a
 * running service's classes never change under it. The first run of a build records the archive as the service
 * exits cleanly; later runs map it. Anything that fails here costs only the speed-up: the service then runs from a
 * copy of its jar, as before. What a new build supersedes, and what killed runs left, is removed (see
 * {@link #pruneEarlierBuilds} and {@link #pruneAbandonedParts}).
 */
final class ClassDataSharing {

    private static final Logger log = LoggerFactory.getLogger(ClassDataSharing.class);
    /** The pid of the launcher that records a part: {@code <archive>.<pid>-<nanos>.part}. */
    private static final Pattern PART_RECORDER = Pattern.compile("\\.(\\d+)-\\d+\\.part$");

    /**
     * How to start one service: its jar and the JVM options that map or record the archive; {@code recording} when
     * this run records it.
     */
    record Launch(Path jar, List<String> jvmOptions, Optional<Recording> recording) {
    }

    /** Where a run writes the archive as it exits, and where it goes if the run exits cleanly ({@link #keep}). */
    record Recording(Path part, Path archive) {
    }

    private ClassDataSharing() {
    }

    static Launch prepare(String name, Path jar, Path runDirectory) throws IOException {
        Optional<Path> extracted = extracted(name, jar);
        if (extracted.isEmpty()) {
            // Run a copy, so that rebuilding the project while the stack runs cannot pull the jar from under it.
            Path copy = Files.copy(jar, runDirectory.resolve(name + ".jar"), StandardCopyOption.REPLACE_EXISTING);
            return new Launch(copy, List.of(), Optional.empty());
        }
        Path directory = extracted.get();
        // an archive is refused by any other JVM build: one per Java version
        Path archive = directory.resolve(name + "-java" + Runtime.version() + ".jsa");
        Path application = applicationJar(directory);
        if (Files.isRegularFile(archive)) {
            return new Launch(application, List.of("-XX:SharedArchiveFile=" + archive), Optional.empty());
        }
        pruneAbandonedParts(directory);
        Path part = directory.resolve(archive.getFileName() + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".part");
        return new Launch(application, List.of("-XX:ArchiveClassesAtExit=" + part), Optional.of(new Recording(part, archive)));
    }

    /** Keeps the archive a run recorded if it exited cleanly (SIGTERM: 143); a killed run's may be incomplete. */
    static void keep(Launch launch, int exitValue) {
        launch.recording().ifPresent(recording -> {
            try {
                if ((exitValue == 0 || exitValue == 143) && Files.isRegularFile(recording.part())) {
                    Files.move(recording.part(), recording.archive(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    log.info("Not keeping the class data archive {} (exit {})", recording.part().getFileName(), exitValue);
                    Files.deleteIfExists(recording.part());
                }
            } catch (IOException e) {
                log.warn("Could not keep the class data archive {}: {}", recording.part(), e.toString());
            }
        });
    }

    /** The jar extracted once per build, beside it; empty if that cannot be done (a read-only directory, no tools mode). */
    private static Optional<Path> extracted(String name, Path jar) {
        try {
            Path absolute = jar.toAbsolutePath();
            Path directory = absolute.getParent().resolve("cds").resolve(name + "-" + contentKey(absolute));
            if (Files.isDirectory(directory)) {
                return Optional.of(directory);
            }
            Files.createDirectories(directory.getParent());
            Path partial = Files.createTempDirectory(directory.getParent(), name + "-extracting-");
            Process extract = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djarmode=tools", "-jar", absolute.toString(), "extract", "--destination", partial.resolve("app").toString())
                    .redirectErrorStream(true).redirectOutput(partial.resolve("extract.log").toFile()).start();
            if (!extract.waitFor(120, TimeUnit.SECONDS) || extract.exitValue() != 0) {
                extract.destroyForcibly();
                log.warn("Could not extract {} for class data sharing; it starts without ({})", absolute, partial.resolve("extract.log"));
                return Optional.empty();
            }
            try {
                Files.move(partial.resolve("app"), directory, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // another launcher extracted the same build meanwhile: use its directory
                if (!Files.isDirectory(directory)) {
                    throw raced;
                }
            }
            delete(partial);
            pruneEarlierBuilds(directory);
            return Optional.of(directory);
        } catch (IOException e) {
            log.warn("Could not extract {} for class data sharing; it starts without ({})", jar, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * What the jar holds, not when it was written: every {@code package} rewrites the executable jar, so a key by its
     * time would extract it again, and record a new archive, at every start of the run command. Each entry's name,
     * size and CRC from the jar's directory (nothing decompressed); the nested jars of unchanged modules and
     * libraries keep theirs.
     */
    private static String contentKey(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            zip.stream().sorted(Comparator.comparing(ZipEntry::getName)).forEach(entry -> digest.update(
                    (entry.getName() + "\u0000" + entry.getSize() + "\u0000" + entry.getCrc() + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Removes the extracted directories of the same service's earlier builds: each holds some 100 MB of jars and an
     * archive of some 80 MB, and every build of changed code makes a new one, which filled the disk of anyone
     * running the README's command build after build. A directory a running process was started from (another
     * stack still on an older build) is left alone.
     */
    static void pruneEarlierBuilds(Path current) {
        String service = current.getFileName().toString().replaceFirst("-[0-9a-f]{16}$", "");
        try (Stream<Path> siblings = Files.list(current.getParent())) {
            for (Path earlier : siblings.filter(sibling -> !sibling.equals(current)
                    && sibling.getFileName().toString().matches(Pattern.quote(service) + "-[0-9a-f]{16}")).toList()) {
                if (inUse(earlier)) {
                    log.info("Keeping {}: a running process was started from it", earlier);
                } else {
                    delete(earlier);
                }
            }
        } catch (IOException e) {
            log.warn("Could not remove the class data of earlier builds beside {}: {}", current, e.toString());
        }
    }

    /** Removes archives whose recording launcher is gone: a run killed before it could keep or discard its own. */
    static void pruneAbandonedParts(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path part : files.filter(file -> file.getFileName().toString().endsWith(".part")).toList()) {
                Matcher recorder = PART_RECORDER.matcher(part.getFileName().toString());
                if (recorder.find() && ProcessHandle.of(Long.parseLong(recorder.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            log.warn("Could not remove abandoned class data archives in {}: {}", directory, e.toString());
        }
    }

    /** By the directory's name, which its digest makes unique, since launchers reach the same path in different spellings. */
    private static boolean inUse(Path directory) {
        String name = directory.getFileName().toString();
        return ProcessHandle.allProcesses().anyMatch(process ->
                process.info().commandLine().map(line -> line.contains(name)).orElse(false));
    }

    private static Path applicationJar(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new IOException("no application jar in " + directory));
        }
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
