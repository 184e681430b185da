package org.agreementledger.ledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.agreementledger.contract.integrity.Checkpoint;
import org.agreementledger.contract.integrity.LedgerKeys;
import org.agreementledger.security.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The ledger's side of an audit: its public checkpoint key, and checkpoints on demand. */
@RestController
@Tag(name = "audit", description = "Signed checkpoints and the key that verifies them (see docs/audit.md)")
class CheckpointController {

    private static final Logger logger = LoggerFactory.getLogger(CheckpointController.class);

    private final CheckpointPublisher checkpoints;
    private final LedgerSigningKey key;
    private final TransparencyLog log;

    CheckpointController(CheckpointPublisher checkpoints, LedgerSigningKey key, TransparencyLog log) {
        this.checkpoints = checkpoints;
        this.key = key;
        this.log = log;
    }

    /** JWKS clients mostly ask for plain JSON; RFC 7517's own type is the default. */
    @GetMapping(value = "/.well-known/ledger-keys", produces = {"application/jwk-set+json", "application/json"})
    @Operation(operationId = "ledgerKeys", summary = "The Ed25519 public key checkpoints are signed with, as a JWK set (RFC 8037)")
    JsonNode keys() {
        return LedgerKeys.jwkSet(key.keys());
    }

    @PostMapping(path = "/admin/keys/rotation", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "rotateKey", summary = "Retire the signing key and make a new one (operators; "
            + "docs/operations.md, \"Rotating the signing key\")", description = "The retired key stays in the key set "
            + "with the instant it stopped signing (exp); a checkpoint (unless the ledger holds more agreements than "
            + "one may) and, if the log grew, a tree head are signed with the new key at once.")
    @ApiResponse(responseCode = "201", description = "The key set after the rotation, the new key first")
    ResponseEntity<JsonNode> rotate() {
        key.rotate();
        try {
            checkpoints.publishNow();
        } catch (CheckpointPublisher.TooManyAgreements e) {
            // the key is rotated all the same; the tree head below is what such a ledger's auditors check
            logger.warn("Signing key rotated without a checkpoint: {}", e.getMessage());
        }
        log.checkpointNow();
        return ResponseEntity.status(HttpStatus.CREATED).body(LedgerKeys.jwkSet(key.keys()));
    }

    @PostMapping(path = "/admin/checkpoints", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "checkpointNow", summary = "Sign and publish a checkpoint now (operators and auditors)")
    @ApiResponse(responseCode = "409", description = "The ledger holds more agreements than one checkpoint may "
            + "(ledger.checkpoints.max-agreements; checkpoint-too-large)")
    @ApiResponse(responseCode = "201", description = "The checkpoint, signed and published", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Checkpoint.class)))
    ResponseEntity<byte[]> checkpointNow() {
        return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON)
                .body(checkpoints.publishNow().json());
    }

    @GetMapping(path = "/checkpoints/latest", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "latestCheckpoint", summary = "The latest checkpoint this instance published, to save for a later audit")
    @ApiResponse(responseCode = "404", description = "This instance has published no checkpoint yet (no-checkpoint)")
    @ApiResponse(responseCode = "200", description = "The checkpoint", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Checkpoint.class)))
    ResponseEntity<?> latest() {
        return checkpoints.latest().<ResponseEntity<?>>map(checkpoint -> ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON).body(checkpoint.json())).orElseGet(() -> Problems.response(
                HttpStatus.NOT_FOUND, "no-checkpoint", "This instance has published no checkpoint yet.", null));
    }

    @ExceptionHandler(CheckpointPublisher.TooManyAgreements.class)
    ResponseEntity<ProblemDetail> tooLarge(CheckpointPublisher.TooManyAgreements e) {
        return Problems.response(HttpStatus.CONFLICT, "checkpoint-too-large", "Not published: " + e.getMessage()
                + ". Raise ledger.checkpoints.max-agreements (at most 400000) and restart; the transparency log's "
                + "tree heads cover every event whatever the number of agreements (docs/audit.md).", null);
    }

    @ExceptionHandler(CheckpointPublisher.CheckpointNotPublished.class)
    ResponseEntity<ProblemDetail> notPublished(CheckpointPublisher.CheckpointNotPublished e) {
        return Problems.response(HttpStatus.SERVICE_UNAVAILABLE, "checkpoint-not-published",
                e.getMessage() + ". Nothing was published; try again when Kafka is reachable.", null);
    }
}
