package org.agreementledger.ledger.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Min;
import org.agreementledger.contract.integrity.SignedNote;
import org.agreementledger.contract.integrity.TreeHead;
import org.agreementledger.security.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Optional;

/**
 * The transparency log over HTTP: signed tree heads (C2SP tlog-checkpoint notes, as text), the key they verify with,
 * and inclusion and consistency proofs against signed heads. Proofs name leaves by index and carry only hashes, so
 * any reader may ask for any of them; a command's answer gives its events' indices.
 */
@RestController
@Tag(name = "audit", description = "Signed checkpoints and the key that verifies them (see docs/audit.md)")
class TransparencyLogController {

    private static final String NOTE = "text/plain; charset=utf-8";

    private final TransparencyLog log;

    TransparencyLogController(TransparencyLog log) {
        this.log = log;
    }

    /** An inclusion proof of leaf {@code index} in the signed tree of {@code treeSize} leaves. */
    record InclusionProof(long index, long treeSize, List<String> proof, String checkpoint) {
    }

    /** A consistency proof between two signed tree heads. */
    record ConsistencyProof(long fromSize, long toSize, List<String> proof, String fromCheckpoint, String toCheckpoint) {
    }

    @GetMapping(path = "/log/key", produces = NOTE)
    @Operation(operationId = "logKey", summary = "The key tree heads verify with, as a C2SP verifier key "
            + "(name+keyid+base64), for golang.org/x/mod/sumdb/note and the auditor")
    String key() {
        return log.verifierKey().encoded() + "\n";
    }

    @GetMapping(path = "/log/keys", produces = NOTE)
    @Operation(operationId = "logKeys", summary = "Every key tree heads were signed with, one C2SP verifier key per "
            + "line, the current one first (a rotation keeps the retired ones)")
    String keys() {
        StringBuilder keys = new StringBuilder();
        log.verifierKeys().forEach(key -> keys.append(key.encoded()).append('\n'));
        return keys.toString();
    }

    @GetMapping(path = "/log/checkpoint", produces = NOTE)
    @Operation(operationId = "latestTreeHead", summary = "The latest signed tree head of the transparency log, as a "
            + "C2SP tlog-checkpoint signed note")
    @ApiResponse(responseCode = "200", description = "The signed note: origin, tree size and root hash, a blank line, "
            + "the signature", content = @Content(mediaType = NOTE, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "No tree head was signed yet (no-tree-head)")
    ResponseEntity<?> latest() {
        return note(log.latestNote(), "No tree head was signed yet.");
    }

    @GetMapping(path = "/log/checkpoints/{treeSize}", produces = NOTE)
    @Operation(operationId = "treeHead", summary = "The signed tree head of this size, if the ledger signed one")
    @ApiResponse(responseCode = "200", description = "The signed note", content = @Content(mediaType = NOTE,
            schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "No tree head of this size was signed (no-tree-head)")
    ResponseEntity<?> ofSize(@PathVariable @Min(1) long treeSize) {
        return note(log.note(treeSize), "No tree head of size " + treeSize + " was signed.");
    }

    @PostMapping(path = "/admin/log/checkpoints", produces = NOTE)
    @Operation(operationId = "treeHeadNow", summary = "Fold every committed event into the tree and sign a tree head now")
    @ApiResponse(responseCode = "201", description = "The latest signed tree head", content = @Content(mediaType = NOTE,
            schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "No event is on the topic yet for a head to cover (no-tree-head)")
    ResponseEntity<?> signNow() {
        return log.checkpointNow().<ResponseEntity<?>>map(note -> ResponseEntity.status(HttpStatus.CREATED)
                .contentType(MediaType.parseMediaType(NOTE)).body(note))
                .orElseGet(() -> Problems.response(HttpStatus.NOT_FOUND, "no-tree-head", "No tree head yet: no event of "
                        + "the log is on the topic yet, and a head covers only what an auditor can read; try again shortly.",
                        null));
    }

    @PostMapping(path = "/log/cosignatures", consumes = MediaType.TEXT_PLAIN_VALUE, produces = NOTE)
    @Operation(operationId = "addCosignatures", summary = "A witness hands in a tree head it cosigned (C2SP "
            + "tlog-cosignature); the ledger keeps the cosignatures of configured witnesses and publishes them beside the head")
    @ApiResponse(responseCode = "200", description = "The tree head with every cosignature kept for it",
            content = @Content(mediaType = NOTE, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "400", description = "Not a tree head this ledger signed, or no new cosignature of a "
            + "configured witness that verifies (invalid-cosignature)")
    ResponseEntity<?> cosign(@org.springframework.web.bind.annotation.RequestBody String cosigned) {
        try {
            return ResponseEntity.ok().contentType(MediaType.parseMediaType(NOTE)).body(log.addCosignatures(cosigned));
        } catch (IllegalArgumentException e) {
            return Problems.response(HttpStatus.BAD_REQUEST, "invalid-cosignature", e.getMessage(), "body");
        }
    }

    @GetMapping(path = "/log/proofs/inclusion", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "inclusionProof", summary = "RFC 9162 inclusion proof of a leaf in a signed tree head "
            + "(the latest when treeSize is left out)")
    @ApiResponse(responseCode = "200", description = "The proof and the signed tree head it is against",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = InclusionProof.class)))
    @ApiResponse(responseCode = "400", description = "index is not below treeSize (invalid-request)")
    @ApiResponse(responseCode = "404", description = "No tree head of that size, or none yet (no-tree-head)")
    ResponseEntity<?> inclusion(@Parameter(description = "The leaf's log index, from the command's answer")
                                @RequestParam @Min(0) long index,
                                @Parameter(description = "A signed tree size; the latest when absent")
                                @RequestParam(required = false) @Min(1) Long treeSize) {
        Optional<String> note = treeSize == null ? log.latestNote() : log.note(treeSize);
        if (note.isEmpty()) {
            return noTreeHead(treeSize, "treeSize");
        }
        long size = sizeOf(note.get());
        if (index < 0 || index >= size) {
            return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request", "index must be from 0 to "
                    + (size - 1) + " for a tree of " + size + " leaves; the leaf may not be in a signed tree head yet.", "index");
        }
        return ResponseEntity.ok(new InclusionProof(index, size, log.inclusionProof(index, size), note.get()));
    }

    @GetMapping(path = "/log/proofs/consistency", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "consistencyProof", summary = "RFC 9162 consistency proof that a signed tree head extends "
            + "an earlier one (the latest when to is left out)")
    @ApiResponse(responseCode = "200", description = "The proof and both signed tree heads",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ConsistencyProof.class)))
    @ApiResponse(responseCode = "400", description = "from is larger than to (invalid-request)")
    @ApiResponse(responseCode = "404", description = "No tree head of that size (no-tree-head)")
    ResponseEntity<?> consistency(@Parameter(description = "The earlier signed tree size") @RequestParam @Min(1) long from,
                                  @Parameter(description = "The later signed tree size; the latest when absent")
                                  @RequestParam(required = false) @Min(1) Long to) {
        Optional<String> older = log.note(from);
        if (older.isEmpty()) {
            return noTreeHead(from, "from");
        }
        Optional<String> newer = to == null ? log.latestNote() : log.note(to);
        if (newer.isEmpty()) {
            return noTreeHead(to, "to");
        }
        long toSize = sizeOf(newer.get());
        if (from > toSize) {
            return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request", "from (" + from
                    + ") must not be larger than to (" + toSize + ").", "from");
        }
        return ResponseEntity.ok(new ConsistencyProof(from, toSize, log.consistencyProof(from, toSize), older.get(),
                newer.get()));
    }

    private static long sizeOf(String note) {
        return TreeHead.parse(SignedNote.Note.parse(note).text()).size();
    }

    private static ResponseEntity<?> note(Optional<String> note, String missing) {
        return note.<ResponseEntity<?>>map(text -> ResponseEntity.ok().contentType(MediaType.parseMediaType(NOTE)).body(text))
                .orElseGet(() -> Problems.response(HttpStatus.NOT_FOUND, "no-tree-head", missing, null));
    }

    private static ResponseEntity<?> noTreeHead(Long size, String field) {
        return Problems.response(HttpStatus.NOT_FOUND, "no-tree-head", size == null ? "No tree head was signed yet."
                : "No tree head of size " + size + " was signed.", size == null ? null : field);
    }
}
