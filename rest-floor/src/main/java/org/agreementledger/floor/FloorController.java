package org.agreementledger.floor;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.TimeOrderedIds;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.net.URI;
import java.util.Map;

/**
 * One durable INSERT per request: the request's JSON (parsed, as the ledger parses it) as one row with the
 * indexes of Axon's event table, in its own autocommitted transaction, so the answer waits for the WAL flush.
 */
@RestController
class FloorController {

    private final JdbcTemplate jdbc;

    FloorController(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @PostMapping(path = "/agreements", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> offer(@RequestBody JsonNode offer) {
        // Time-ordered ids, as the ledger makes (ADR 0009): the same index growth per row.
        String agreementId = AgreementId.generate().value();
        jdbc.update("INSERT INTO floor_events (aggregate_id, sequence_number, event_id, payload) VALUES (?, 0, ?, CAST(? AS jsonb))",
                agreementId, TimeOrderedIds.next().toString(), offer.toString());
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(agreementId).toUri();
        return ResponseEntity.created(location).eTag("0").body(Map.of("agreementId", agreementId, "version", 0));
    }
}
