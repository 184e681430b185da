package org.agreementledger.auditor;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.MerkleTree;
import org.agreementledger.contract.integrity.SignedNote;
import org.agreementledger.contract.integrity.TreeHead;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The transparency log's proofs, checked with nothing but signed tree heads, the proof the ledger served and the log's
 * public key (docs/audit.md): a receipt's inclusion, one head's consistency with an earlier one, and a witness that
 * cosigns only heads consistent with the last one it accepted.
 */
final class LogProofs {

    private static final HexFormat HEX = HexFormat.of();

    private LogProofs() {
    }

    static final class KeyOption {
        @Option(names = "--log-key", required = true, description = "The log's verifier keys (name+keyid+base64, one per "
                + "line, as GET /log/keys serves them: a rotation keeps the retired ones), or a file or http(s) URL holding them")
        String logKey;

        List<SignedNote.VerifierKey> load() {
            return text(logKey).lines().map(String::strip).filter(line -> !line.isEmpty())
                    .map(SignedNote.VerifierKey::parse).toList();
        }
    }

    @Command(name = "prove-inclusion", mixinStandardHelpOptions = true,
            description = "Checks a receipt: that an event's hash is the given leaf of a signed tree head.")
    static final class ProveInclusion implements Callable<Integer> {

        @picocli.CommandLine.Mixin
        KeyOption key;

        @Option(names = "--proof", required = true, description = "The answer of GET /log/proofs/inclusion, saved as a file")
        Path proof;

        @Option(names = "--event-hash", required = true, description = "The event's hash, from the command's receipt "
                + "or the record's ce_hash (64 hex digits)")
        String eventHash;

        @Option(names = "--checkpoint", description = "A tree head saved earlier (signed note file) the proof must be against")
        Path checkpoint;

        @Override
        public Integer call() throws IOException {
            PrintStream out = Auditor.Streams.out;
            JsonNode answer = LedgerJson.readTree(Files.readAllBytes(proof));
            String noteText = answer.path("checkpoint").asText();
            if (checkpoint != null && !Files.readString(checkpoint).equals(noteText)) {
                out.println("FAILED: the proof is against another tree head than " + checkpoint);
                return Auditor.BROKEN;
            }
            SignedNote.Note note = SignedNote.Note.parse(noteText);
            TreeHead head = TreeHead.parse(note.text());
            if (!signedByAny(note, key.load())) {
                out.println("FAILED: the tree head is not signed by any of the log's keys");
                return Auditor.BROKEN;
            }
            long index = answer.path("index").asLong(-1);
            boolean included = MerkleTree.verifyInclusion(index, head.size(), MerkleTree.leafHash(HEX.parseHex(eventHash)),
                    hashes(answer.path("proof")), head.rootHash());
            if (!included) {
                out.println("FAILED: event " + eventHash + " is not leaf " + index + " of the tree head of size "
                        + head.size() + " (" + head.origin() + ")");
                return Auditor.BROKEN;
            }
            out.println("INCLUDED: event " + eventHash + " is leaf " + index + " of the signed tree head of size "
                    + head.size() + " (" + head.origin() + ")");
            return Auditor.HOLDS;
        }
    }

    @Command(name = "prove-consistency", mixinStandardHelpOptions = true,
            description = "Checks that the signed tree head NEW extends the signed tree head OLD: nothing before was changed.")
    static final class ProveConsistency implements Callable<Integer> {

        @picocli.CommandLine.Mixin
        KeyOption key;

        @Parameters(index = "0", paramLabel = "OLD", description = "The earlier tree head (signed note file)")
        Path older;

        @Parameters(index = "1", paramLabel = "NEW", description = "The later tree head (signed note file)")
        Path newer;

        @Option(names = "--proof", required = true, description = "The answer of GET /log/proofs/consistency, saved as a file")
        Path proof;

        @Override
        public Integer call() throws IOException {
            PrintStream out = Auditor.Streams.out;
            String failure = inconsistency(key.load(), Files.readString(older), Files.readString(newer),
                    LedgerJson.readTree(Files.readAllBytes(proof)));
            if (failure != null) {
                out.println("FAILED: " + failure);
                return Auditor.BROKEN;
            }
            out.println("CONSISTENT: " + newer + " extends " + older);
            return Auditor.HOLDS;
        }
    }

    @Command(name = "witness", mixinStandardHelpOptions = true,
            description = "Cosigns a tree head (C2SP tlog-cosignature) only if it extends the last one this witness "
                    + "accepted; keeps that one in --state.")
    static final class Witness implements Callable<Integer> {

        @picocli.CommandLine.Mixin
        KeyOption key;

        @Option(names = "--state", required = true, description = "Directory where the witness keeps the last tree head it accepted")
        Path state;

        @Option(names = "--witness-key", required = true, description = "File with the witness's signer key "
                + "(PRIVATE+KEY+name+keyid+base64, type 0x04); made there when absent")
        Path witnessKey;

        @Option(names = "--witness-name", defaultValue = "witness.local/w1",
                description = "The witness's name when a key is made (default: ${DEFAULT-VALUE})")
        String witnessName;

        @Option(names = "--proof", description = "The answer of GET /log/proofs/consistency from the size this witness "
                + "holds to the new head, saved as a file (not needed for the first head)")
        Path proof;

        @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "The new tree head (signed note file)")
        Path checkpoint;

        @Override
        public Integer call() throws IOException {
            PrintStream out = Auditor.Streams.out;
            SignedNote.SignerKey signer = signerKey();
            String fresh = Files.readString(checkpoint);
            Path held = state.resolve("checkpoint");
            List<SignedNote.VerifierKey> log = key.load();
            if (Files.exists(held)) {
                if (proof == null) {
                    out.println("REFUSED: a witness holding a tree head needs --proof that the new one extends it");
                    return Auditor.BROKEN;
                }
                String failure = inconsistency(log, Files.readString(held), fresh, LedgerJson.readTree(Files.readAllBytes(proof)));
                if (failure != null) {
                    out.println("REFUSED: " + failure);
                    return Auditor.BROKEN;
                }
            } else if (!signedByAny(SignedNote.Note.parse(fresh), log)) {
                out.println("REFUSED: the tree head is not signed by any of the log's keys");
                return Auditor.BROKEN;
            }
            SignedNote.Note note = SignedNote.Note.parse(fresh);
            SignedNote.Note cosigned = note.with(SignedNote.cosign(note.text(), signer, Instant.now().getEpochSecond()));
            Files.createDirectories(state);
            Files.writeString(held, note.encoded());
            out.print(cosigned.encoded());
            return Auditor.HOLDS;
        }

        private SignedNote.SignerKey signerKey() throws IOException {
            if (!Files.exists(witnessKey)) {
                SignedNote.SignerKey made = SignedNote.SignerKey.generate(witnessName, SignedNote.COSIGNATURE_V1, new SecureRandom());
                Files.createDirectories(witnessKey.toAbsolutePath().getParent());
                Files.writeString(witnessKey, made.encoded() + "\n");
                Auditor.Streams.err.println("Made witness key " + witnessKey + "; its verifier key: "
                        + made.verifierKey().encoded());
                return made;
            }
            return SignedNote.SignerKey.parse(Files.readString(witnessKey).strip());
        }
    }

    /** Why NEW does not provably extend OLD under this key; null when it does. */
    static String inconsistency(List<SignedNote.VerifierKey> keys, String older, String newer, JsonNode proof) {
        SignedNote.Note old = SignedNote.Note.parse(older);
        SignedNote.Note fresh = SignedNote.Note.parse(newer);
        if (!signedByAny(old, keys) || !signedByAny(fresh, keys)) {
            return "a tree head is not signed by any of the log's keys";
        }
        TreeHead from = TreeHead.parse(old.text());
        TreeHead to = TreeHead.parse(fresh.text());
        if (!from.origin().equals(to.origin())) {
            return "the tree heads are of two logs: " + from.origin() + " and " + to.origin();
        }
        if (!MerkleTree.verifyConsistency(from.size(), to.size(), from.rootHash(), to.rootHash(), hashes(proof.path("proof")))) {
            return "the tree head of size " + to.size() + " does not provably extend the one of size " + from.size()
                    + ": the log before it was changed, or the proof is not for these heads";
        }
        return null;
    }

    private static boolean signedByAny(SignedNote.Note note, List<SignedNote.VerifierKey> keys) {
        return keys.stream().anyMatch(note::verifiedBy);
    }

    private static List<byte[]> hashes(JsonNode array) {
        List<byte[]> hashes = new ArrayList<>();
        array.forEach(hash -> hashes.add(HEX.parseHex(hash.asText())));
        return hashes;
    }

    /** The text at a location: an http(s) URL, a file, or the text itself. */
    private static String text(String location) {
        try {
            if (KeyLocation.isUrl(location) || Files.isRegularFile(Path.of(location))) {
                return new String(KeyLocation.read(location), StandardCharsets.UTF_8);
            }
        } catch (java.nio.file.InvalidPathException e) {
            return location;
        }
        return location;
    }
}
