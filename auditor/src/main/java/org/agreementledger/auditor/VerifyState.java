package org.agreementledger.auditor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.LedgerJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a verify that found nothing wrong knows at its end, so that the next one checks only what was appended since
 * (verify --save-state, then --since): the largest tree head that held, the tree's right edge over every leaf read,
 * where each partition was read to, and every agreement's last sequence and hash. It is the auditor's own record:
 * keep it where the ledger's operators cannot change it, like a saved checkpoint.
 */
record VerifyState(String treeHead, TreeHeadCheck.Frontier frontier, Map<Integer, Long> offsets,
                   Map<String, ChainEnd> chains) {

    private static final HexFormat HEX = HexFormat.of();

    /** Where an agreement's chain ended. */
    record ChainEnd(long sequence, String hash) {
    }

    void write(Path file) throws IOException {
        ObjectNode json = LedgerJson.mapper().createObjectNode();
        json.put("treeHead", treeHead);
        json.put("leaves", frontier.size());
        var edge = json.putArray("frontier");
        for (int i = 0; i < frontier.hashes().size(); i++) {
            edge.addObject().put("level", frontier.levels().get(i)).put("hash", HEX.formatHex(frontier.hashes().get(i)));
        }
        ObjectNode read = json.putObject("offsets");
        offsets.forEach((partition, offset) -> read.put(Integer.toString(partition), offset));
        ObjectNode heads = json.putObject("chains");
        chains.forEach((id, end) -> heads.putObject(id).put("sequence", end.sequence()).put("hash", end.hash()));
        Files.write(file, LedgerJson.mapper().writeValueAsBytes(json));
    }

    static VerifyState read(Path file) throws IOException {
        JsonNode json = LedgerJson.readTree(Files.readAllBytes(file));
        List<Integer> levels = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        json.path("frontier").forEach(node -> {
            levels.add(node.get("level").asInt());
            hashes.add(HEX.parseHex(node.get("hash").asText()));
        });
        long leaves = json.path("leaves").asLong();
        long covered = 0;
        for (int level : levels) {
            covered += 1L << level;
        }
        if (covered != leaves) {
            throw new IllegalArgumentException(file + " is not a verify state: its frontier covers " + covered
                    + " leaves, not " + leaves);
        }
        Map<Integer, Long> offsets = new TreeMap<>();
        json.path("offsets").fields().forEachRemaining(e -> offsets.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
        Map<String, ChainEnd> chains = new LinkedHashMap<>();
        json.path("chains").fields().forEachRemaining(e -> chains.put(e.getKey(),
                new ChainEnd(e.getValue().get("sequence").asLong(), e.getValue().get("hash").asText())));
        return new VerifyState(json.hasNonNull("treeHead") ? json.get("treeHead").asText() : null,
                new TreeHeadCheck.Frontier(leaves, levels, hashes), offsets, chains);
    }
}
