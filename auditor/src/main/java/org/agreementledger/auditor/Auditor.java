package org.agreementledger.auditor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.LedgerTopics;
import org.agreementledger.contract.integrity.CanonicalJson;
import org.agreementledger.contract.integrity.Checkpoint;
import org.agreementledger.contract.integrity.LedgerKeys;
import org.agreementledger.contract.integrity.MerkleTree;
import org.agreementledger.contract.integrity.SignedNote;
import org.agreementledger.contract.views.AsOfPoint;
import org.agreementledger.contract.views.AuditViews;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The independent auditor: trusts nothing but the topic (and, if given, a key and checkpoints it saved itself).
 * Exit codes: 0 everything holds, 1 a finding, a difference or a record the replay could not apply, 2 the audit could
 * not be carried out.
 */
@Command(name = "auditor", mixinStandardHelpOptions = true, version = "agreement-ledger auditor 0.1",
        description = "Verifies the Agreement Ledger's event log, replays its views, compares them with the projections.",
        subcommands = {Auditor.Verify.class, Auditor.Replay.class, Auditor.Compare.class, LogProofs.ProveInclusion.class,
                LogProofs.ProveConsistency.class, LogProofs.Witness.class})
public final class Auditor {

    static final int HOLDS = 0;
    static final int BROKEN = 1;
    static final int CANNOT_AUDIT = 2;

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one command; returns its exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine commandLine = new CommandLine(new Auditor());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            err.println("auditor: " + describe(e));
            return CANNOT_AUDIT;
        });
        commandLine.setExitCodeExceptionMapper(e -> CANNOT_AUDIT);
        Streams.set(out, err);
        try {
            return commandLine.execute(args);
        } catch (OutOfMemoryError e) {
            // an audit cut short proves nothing either way: not exit 1, which tells a script the log is broken
            err.println("auditor: " + OUT_OF_MEMORY);
            return CANNOT_AUDIT;
        }
    }

    static final String OUT_OF_MEMORY = "out of memory: the audit was not carried out. Give its JVM a larger heap, e.g."
            + " java -Xmx2g -jar auditor.jar ... (verify holds about 64 bytes per event and 70 per agreement:"
            + " docs/audit.md, \"Memory\")";

    /** A failure in words: a file's exception names only the path, which alone reads as if the path were the error. */
    static String describe(Exception e) {
        if (e instanceof java.nio.file.FileSystemException file) {
            String why = file.getReason() != null ? file.getReason()
                    : file instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : file instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : file.getClass().getSimpleName();
            return "cannot use " + file.getFile() + ": " + why;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutOfMemoryError) {
                return OUT_OF_MEMORY;
            }
        }
        return e.getMessage();
    }

    /** Where the output goes, so tests can capture it without touching System.out. */
    static final class Streams {
        static PrintStream out = System.out;
        static PrintStream err = System.err;

        static void set(PrintStream o, PrintStream e) {
            out = o;
            err = e;
        }
    }

    static final class LogOptions {
        @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
                description = "Kafka to read from (default: ${DEFAULT-VALUE})")
        String bootstrapServers;

        @Option(names = "--topic", defaultValue = LedgerTopics.AGREEMENT_EVENTS, description = "Events topic (default: ${DEFAULT-VALUE})")
        String topic;

        @Option(names = "--no-progress", description = "No progress bar on stderr")
        boolean noProgress;

        Progress.Factory progress() {
            return total -> new Progress(Streams.err, total, !noProgress);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Reads the topic from the beginning and checks every hash chain, sequence and checkpoint.")
    static final class Verify implements Callable<Integer> {

        @Mixin
        LogOptions log;

        @Option(names = "--checkpoint-topic", defaultValue = LedgerTopics.CHECKPOINTS,
                description = "Checkpoints topic (default: ${DEFAULT-VALUE}); '-' to skip it")
        String checkpointTopic;

        @Option(names = "--checkpoint", description = "A checkpoint saved earlier (JSON file); may be repeated")
        List<Path> savedCheckpoints = new ArrayList<>();

        @Option(names = "--trusted-key", description = "The ledger's public key to pin: a JWK or JWK set file, a PEM file "
                + "(checkpoint-key.ed25519.pub.pem), or a URL (e.g. http://ledger:8080/.well-known/ledger-keys)")
        String trustedKey;

        @Option(names = "--save-state", description = "When everything holds, write what the next verify --since needs "
                + "(the largest tree head that held, the tree's right edge, the offsets read, every chain's last hash) to this file")
        Path saveState;

        @Option(names = "--since", description = "A state an earlier verify saved: read and check only what was appended "
                + "since, and that the tree heads signed since extend what it verified (needs --trusted-key)")
        Path since;

        @Option(names = "--witness", description = "A witness's verifier key (C2SP, type 0x04) whose cosignatures of tree "
                + "heads count; may be repeated")
        List<String> witnesses = new ArrayList<>();

        @Option(names = "--min-cosignatures", description = "Fail unless some tree head carries this many cosignatures "
                + "of the --witness keys (default: 0)")
        int minCosignatures;

        @Option(names = "--tolerate-redeliveries", description = "Count identical repeats of an event (a publisher retry "
                + "after an outage) instead of failing on them")
        boolean tolerateRedeliveries;

        @Option(names = "--threads", description = "Threads verifying while one reads, 1 to 64 (default: one per core)")
        int threads = ChainVerifier.defaultThreads();

        @Option(names = "--all", description = "List every agreement in the summary, not only broken ones, when there are many")
        boolean all;

        @Option(names = "--report", description = "Also write the outcome as JSON to this file (findings, checkpoints, "
                + "and each agreement's head: all of them up to 50, or with --all)")
        Path report;

        @Override
        public Integer call() throws Exception {
            PrintStream out = Streams.out;
            if (threads < 1 || threads > ChainVerifier.MAX_THREADS) {
                throw new IllegalArgumentException("--threads must be from 1 to " + ChainVerifier.MAX_THREADS + ", got "
                        + threads);
            }
            if (minCosignatures < 0 || minCosignatures > witnesses.size()) {
                throw new IllegalArgumentException("--min-cosignatures must be from 0 to the number of --witness keys ("
                        + witnesses.size() + "), got " + minCosignatures);
            }
            VerifyState before = since == null ? null : VerifyState.read(since);
            if (before != null && (trustedKey == null || !savedCheckpoints.isEmpty())) {
                throw new IllegalArgumentException("--since needs --trusted-key (the tree heads are what it checks) "
                        + "and takes no --checkpoint (a saved checkpoint names heads before the state)");
            }
            ChainVerifier verifier = new ChainVerifier(tolerateRedeliveries, threads);
            LogLeaves leaves = before == null ? new LogLeaves() : new LogLeaves(before.edge().size());
            if (before != null) {
                verifier.continueFrom(before.chains());
            }
            List<TreeHeadCheck.Found> treeHeads = new ArrayList<>();
            TopicLog topicLog = new TopicLog(log.bootstrapServers);
            Progress.Factory progress = log.progress();
            List<String> checkpointLines = new ArrayList<>();
            // the checkpoints first: whatever they sign was on the events topic before they were published, so it is
            // within what the events read below reaches, however busy the ledger is meanwhile
            List<LogRecord> checkpointRecords = new ArrayList<>();
            if (!"-".equals(checkpointTopic)) {
                try {
                    topicLog.read(checkpointTopic, AsOfPoint.END, total -> new Progress(Streams.err, total, false),
                            checkpointRecords::add);
                } catch (TopicLog.AuditFailure e) {
                    checkpointLines.add("no checkpoints topic " + checkpointTopic + " (nothing to check)");
                }
            }
            long started = System.nanoTime();
            TopicLog.Extent extent;
            try {
                extent = topicLog.read(log.topic, before == null ? Map.of() : before.offsets(), AsOfPoint.END, progress,
                        record -> {
                    leaves.add(record);
                    verifier.accept(record);
                });
                verifier.finish();
            } catch (RuntimeException e) {
                verifier.abandon();
                throw e;
            }
            double seconds = (System.nanoTime() - started) / 1e9;

            List<LedgerKeys.ValidKey> keys = trustedKey == null ? List.of() : Verify.loadKeys(trustedKey);
            CheckpointCheck check = new CheckpointCheck(keys);
            for (LogRecord record : checkpointRecords) {
                if (LedgerTopics.TREE_HEAD.equals(record.header(LedgerTopics.RECORD_KIND_HEADER))) {
                    treeHeads.add(new TreeHeadCheck.Found("checkpoint topic " + record.where(), record.body()));
                } else if (before == null) {
                    checkOne(record.body(), "checkpoint topic " + record.where(), check, verifier, checkpointLines);
                }
            }
            if (before != null) {
                checkpointLines.add("since " + since + " (" + before.edge().size() + " leaves): only tree heads are "
                        + "checked, the per-agreement checkpoints name heads before it");
            }
            for (Path saved : savedCheckpoints) {
                checkOne(Files.readAllBytes(saved), "saved checkpoint " + saved, check, verifier, checkpointLines);
            }

            TreeHeadCheck.Outcome trees = TreeHeadCheck.check(treeHeads, leaves,
                    before == null ? MerkleTree.RightEdge.empty() : before.edge(), keys, new TreeHeadCheck.Witnesses(
                            witnesses.stream().map(SignedNote.VerifierKey::parse).toList(), minCosignatures), verifier);
            checkpointLines.addAll(trees.lines());

            Summary.print(out, verifier, extent, seconds, all);
            out.println();
            out.println("Checkpoints (" + (!keys.isEmpty() ? "pinned key " + String.join(", ",
                    keys.stream().map(LedgerKeys.ValidKey::keyId).toList())
                    : "key NOT pinned: signatures checked against the key each checkpoint names; pin it with --trusted-key") + "):");
            checkpointLines.forEach(line -> out.println("  " + line));
            out.println();
            List<Finding> findings = verifier.findings();
            if (report != null) {
                Summary.writeReport(report, verifier, extent, seconds, checkpointLines, all);
            }
            if (findings.isEmpty()) {
                if (saveState != null) {
                    Map<Integer, Long> offsets = new java.util.TreeMap<>(before == null ? Map.of() : before.offsets());
                    offsets.putAll(extent.ends());
                    Map<String, VerifyState.ChainEnd> ends = new java.util.LinkedHashMap<>(
                            before == null ? Map.of() : before.chains());
                    verifier.chains().forEach((id, chain) -> chain.hashAt(chain.lastSequence()).ifPresent(
                            hash -> ends.put(id, new VerifyState.ChainEnd(chain.lastSequence(), hash))));
                    new VerifyState(trees.largestHeld() != null ? trees.largestHeld()
                            : before == null ? null : before.treeHead(), trees.edge(), offsets, ends).write(saveState);
                }
                out.printf("VERIFIED: %,d events%s of %,d agreements; every chain, sequence and checkpoint holds.%n",
                        extent.records(), before == null ? "" : " appended since " + since, verifier.chains().size());
                return HOLDS;
            }
            out.println("FAILED: " + findings.size() + " finding(s)");
            findings.forEach(f -> out.println("  " + f));
            return BROKEN;
        }

        private static void checkOne(byte[] json, String where, CheckpointCheck check, ChainVerifier verifier, List<String> lines) {
            Checkpoint checkpoint;
            try {
                checkpoint = Checkpoint.fromJson(json);
            } catch (IllegalArgumentException e) {
                verifier.report(Finding.Kind.MALFORMED, null, null, where, e.getMessage());
                return;
            }
            boolean holds = check.check(checkpoint, where, verifier);
            lines.add((holds ? "holds   " : "BROKEN  ") + checkpoint.checkpointId() + " of " + checkpoint.createdAt()
                    + ", " + checkpoint.heads().size() + " agreements, Merkle root "
                    + ChainVerifier.shortHash(String.valueOf(checkpoint.merkleRoot())) + " (" + where + ")");
        }

        /** The pinned key set: every key of a JWK set (a rotation keeps retired keys there), or the one key of a PEM file. */
        static List<LedgerKeys.ValidKey> loadKeys(String location) {
            byte[] json;
            try {
                json = KeyLocation.read(location);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot read the trusted key: " + e.getMessage(), e);
            }
            String text = new String(json, StandardCharsets.UTF_8).strip();
            try {
                if (text.startsWith("-----BEGIN PUBLIC KEY-----")) {
                    return List.of(new LedgerKeys.ValidKey(LedgerKeys.fromPem(text), null, null));
                }
                return LedgerKeys.keySet(LedgerJson.readTree(json));
            } catch (UncheckedIOException e) {
                throw new IllegalArgumentException("cannot read the trusted key from " + location + ": " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Rebuilds every view as of an instant or a log position and writes them as canonical JSON files.")
    static final class Replay implements Callable<Integer> {

        @Mixin
        LogOptions log;

        @Option(names = "--as-of", description = "An instant (2025-03-01T00:00:00Z) or a position (0:120,3:98); default: the end")
        String asOf;

        @Option(names = "--out", defaultValue = "audit-views", description = "Directory for the view files (default: ${DEFAULT-VALUE})")
        Path out;

        @Override
        public Integer call() throws Exception {
            Replayed replayed = replay(log, asOf(asOf));
            replayed.writeTo(out);
            Streams.out.printf("Replayed %,d events as of %s into %s: agreements.json (%d), transfers.json (%d), fees.json (%d), "
                            + "history.json (%d), unapplied.json (%d), position.json%n", replayed.applied(), replayed.describe(), out,
                    replayed.views().agreements().size(), replayed.views().transfers().size(),
                    replayed.views().fees().size(), replayed.views().history().size(), replayed.unapplied().size());
            return replayed.reportUnapplied(Streams.out) ? HOLDS : BROKEN;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Replays every view and compares it, byte for byte, with the projection-service's as of the same position.")
    static final class Compare implements Callable<Integer> {

        @Mixin
        LogOptions log;

        @Option(names = "--projection-url", required = true, description = "e.g. http://localhost:8081")
        URI projectionUrl;

        @Option(names = "--token", defaultValue = "${env:AUDITOR_TOKEN}", description = "Bearer token with ledger.audit (default: $AUDITOR_TOKEN)")
        String token;

        @Option(names = "--as-of", description = "An instant or a position; default: the end of the log when the replay starts")
        String asOf;

        @Option(names = "--out", description = "Also write the auditor's view files here")
        Path out;

        @Override
        public Integer call() throws Exception {
            PrintStream stdout = Streams.out;
            Replayed replayed = replay(log, asOf(asOf));
            StringBuilder query = new StringBuilder("/audit/views?position=")
                    .append(URLEncoder.encode(AsOfPoint.format(replayed.extent().ends()), StandardCharsets.UTF_8));
            replayed.point().instant().ifPresent(i -> query.append("&asOf=").append(i));
            URI uri = projectionUrl.resolve(query.toString());
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET();
            if (token != null && !token.isBlank()) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                Streams.err.println("auditor: GET " + uri + " answered " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
                return CANNOT_AUDIT;
            }
            Map<String, byte[]> ours = replayed.views().canonicalViews();
            Map<String, byte[]> theirs = AuditViews.fromJson(response.body()).canonicalViews();
            // the records the projection parked, if it says (an older projection-service does not)
            JsonNode parked = LedgerJson.readTree(response.body()).path("parkedEvents");
            if (out != null) {
                replayed.writeTo(out);
            }
            stdout.printf("Compared as of %s (%,d events) with %s%n", replayed.describe(), replayed.applied(), projectionUrl);
            stdout.printf("%-12s %8s %12s %s%n", "VIEW", "ROWS", "BYTES", "RESULT");
            List<String> differences = new ArrayList<>();
            for (Map.Entry<String, byte[]> view : ours.entrySet()) {
                byte[] mine = view.getValue();
                byte[] projection = theirs.get(view.getKey());
                boolean identical = Arrays.equals(mine, projection);
                stdout.printf("%-12s %8d %12d %s%n", view.getKey(), LedgerJson.readTree(mine).size(), mine.length,
                        identical ? "identical" : "DIFFERENT");
                if (!identical) {
                    differences.addAll(ViewDiff.differences(view.getKey(), mine, projection));
                }
            }
            if (parked.size() > 0) {
                stdout.println("The projection-service has parked " + parked.size() + " record(s) it could not apply, "
                        + "or holds behind one:");
                parked.forEach(p -> stdout.println("  agreement " + p.path("agreementId").asText("?") + " sequence "
                        + p.path("sequence").asText("?") + " (" + p.path("type").asText("?") + ") at partition "
                        + p.path("partition").asText() + " offset " + p.path("offset").asText() + ": "
                        + p.path("reason").asText() + ", " + p.path("error").asText()));
            }
            boolean complete = replayed.reportUnapplied(stdout);
            if (differences.isEmpty()) {
                stdout.println("IDENTICAL: the projection-service's views are byte for byte the auditor's replay.");
                return complete ? HOLDS : BROKEN;
            }
            stdout.println("DIFFERENT: " + differences.size() + " difference(s)");
            differences.stream().limit(200).forEach(d -> stdout.println("  " + d));
            return BROKEN;
        }
    }

    /**
     * What a replay produced. {@code unapplied}: the records it could not apply, each with the number of its
     * agreement's later events held behind it.
     */
    record Replayed(AuditViews views, TopicLog.Extent extent, AsOfPoint point, long applied,
                    List<Map.Entry<ViewReplay.Unapplied, Long>> unapplied) {
        String describe() {
            return "position " + AsOfPoint.format(extent.ends()) + point.instant().map(i -> " and instant " + i).orElse("");
        }

        /** Says which records could not be applied, if any; true when every record was. */
        boolean reportUnapplied(PrintStream out) {
            if (unapplied.isEmpty()) {
                return true;
            }
            out.println("INCOMPLETE: " + unapplied.size() + " record(s) could not be applied; every other agreement was "
                    + "replayed in full, these stop before them:");
            for (Map.Entry<ViewReplay.Unapplied, Long> entry : unapplied) {
                ViewReplay.Unapplied u = entry.getKey();
                out.println("  agreement " + u.agreementId() + " sequence " + (u.sequence() == null ? "?" : u.sequence())
                        + " (" + u.type() + ") at partition " + u.partition() + " offset " + u.offset() + ": " + u.error()
                        + (entry.getValue() > 0 ? "; " + entry.getValue() + " later event(s) held behind it" : ""));
            }
            return false;
        }

        /** One canonical JSON file per view, unapplied.json, and position.json saying exactly what was read. */
        void writeTo(Path dir) throws IOException {
            Files.createDirectories(dir);
            for (Map.Entry<String, byte[]> view : views.canonicalViews().entrySet()) {
                Files.write(dir.resolve(view.getKey() + ".json"), view.getValue());
            }
            var list = LedgerJson.mapper().createArrayNode();
            for (Map.Entry<ViewReplay.Unapplied, Long> entry : unapplied) {
                ObjectNode u = LedgerJson.mapper().valueToTree(entry.getKey());
                u.put("heldBehind", entry.getValue());
                list.add(u);
            }
            Files.write(dir.resolve("unapplied.json"), CanonicalJson.bytes(list));
            Files.writeString(dir.resolve("position.json"), positionJson());
        }

        String positionJson() {
            var json = LedgerJson.mapper().createObjectNode();
            json.put("position", AsOfPoint.format(extent.ends()));
            point.instant().ifPresent(i -> json.put("asOf", i.toString()));
            json.put("events", applied);
            return new String(CanonicalJson.bytes(json), StandardCharsets.UTF_8);
        }
    }

    /** {@code --as-of}: an instant (it has a 'T') or a position (a ':'); the end of the log when absent. */
    static AsOfPoint asOf(String value) {
        if (value == null || value.isBlank()) {
            return AsOfPoint.END;
        }
        if (!value.contains("T") && !value.contains(":")) {
            throw new IllegalArgumentException("--as-of must be an instant such as 2025-03-01T00:00:00Z or a position such"
                    + " as 0:120,3:98, got '" + value + "'");
        }
        try {
            return value.contains("T") ? AsOfPoint.of(value, null) : AsOfPoint.of(null, value);
        } catch (AsOfPoint.Invalid e) {
            throw new IllegalArgumentException("--as-of " + e.getMessage());
        }
    }

    static Replayed replay(LogOptions log, AsOfPoint point) {
        ViewReplay replay = new ViewReplay();
        TopicLog.Extent extent = new TopicLog(log.bootstrapServers).read(log.topic, point, log.progress(), record -> {
            if (point.includes(record.partition(), record.offset(), () -> record.header(EventHeaders.TIME))) {
                replay.accept(record);
            }
        });
        List<Map.Entry<ViewReplay.Unapplied, Long>> unapplied = replay.unapplied().stream()
                .map(u -> Map.entry(u, u.sequence() == null ? 0L : replay.heldBehind(u.agreementId()))).toList();
        return new Replayed(replay.views(), extent, point, replay.applied(), unapplied);
    }
}
