package org.agreementledger.auditor;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.MerkleTree;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
record VerifyState(String treeHead, MerkleTree.RightEdge edge, Map<Integer, Long> offsets,
                   Map<String, ChainEnd> chains) {

    private static final HexFormat HEX = HexFormat.of();

    /** Where an agreement's chain ended. */
    record ChainEnd(long sequence, String hash) {
    }

    /** Written as a stream: a million agreements must not become a million JSON nodes in memory. */
    void write(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file));
             JsonGenerator json = LedgerJson.mapper().getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("treeHead", treeHead);
            json.writeNumberField("leaves", edge.size());
            // the complete subtrees, largest first: one per bit set in the number of leaves
            json.writeArrayFieldStart("rightEdge");
            for (byte[] subtree : edge.subtrees()) {
                json.writeString(HEX.formatHex(subtree));
            }
            json.writeEndArray();
            json.writeObjectFieldStart("offsets");
            for (Map.Entry<Integer, Long> offset : offsets.entrySet()) {
                json.writeNumberField(Integer.toString(offset.getKey()), offset.getValue());
            }
            json.writeEndObject();
            // one compact string per agreement, "id sequence hash": read back ten times faster than an object each
            json.writeArrayFieldStart("chains");
            for (Map.Entry<String, ChainEnd> chain : chains.entrySet()) {
                json.writeString(chain.getKey() + " " + chain.getValue().sequence() + " " + chain.getValue().hash());
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    static VerifyState read(Path file) throws IOException {
        String treeHead = null;
        long leaves = 0;
        List<byte[]> subtrees = new ArrayList<>();
        Map<Integer, Long> offsets = new TreeMap<>();
        Map<String, ChainEnd> chains = new java.util.HashMap<>(1 << 16);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
             JsonParser json = LedgerJson.mapper().getFactory().createParser(in)) {
            expect(json.nextToken() == JsonToken.START_OBJECT, file);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                switch (field) {
                    case "treeHead" -> treeHead = json.currentToken() == JsonToken.VALUE_NULL ? null : json.getText();
                    case "leaves" -> leaves = json.getLongValue();
                    case "rightEdge" -> {
                        for (String subtree = json.nextTextValue(); subtree != null; subtree = json.nextTextValue()) {
                            subtrees.add(HEX.parseHex(subtree));
                        }
                    }
                    case "offsets" -> {
                        while (json.nextToken() == JsonToken.FIELD_NAME) {
                            String partition = json.currentName();
                            json.nextToken();
                            offsets.put(Integer.parseInt(partition), json.getLongValue());
                        }
                    }
                    case "chains" -> {
                        for (String chain = json.nextTextValue(); chain != null; chain = json.nextTextValue()) {
                            int first = chain.indexOf(' ');
                            int second = chain.indexOf(' ', first + 1);
                            expect(first > 0 && second > first, file);
                            chains.put(chain.substring(0, first), new ChainEnd(
                                    Long.parseLong(chain.substring(first + 1, second)), chain.substring(second + 1)));
                        }
                    }
                    default -> json.skipChildren();
                }
            }
        }
        try {
            return new VerifyState(treeHead, MerkleTree.RightEdge.of(leaves, subtrees), offsets, chains);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a state saved by auditor verify --save-state: " + e.getMessage(), e);
        }
    }

    private static void expect(boolean holds, Path file) {
        if (!holds) {
            throw new IllegalArgumentException(file + " is not a state saved by auditor verify --save-state");
        }
    }
}
