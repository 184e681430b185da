package org.agreementledger.auditor;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.CanonicalJson;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The exact differences between two canonical views: rows only one side has, and fields that differ, by path. */
final class ViewDiff {

    private ViewDiff() {
    }

    static List<String> differences(String view, byte[] auditor, byte[] projection) {
        List<String> out = new ArrayList<>();
        Map<String, JsonNode> ours = rows(view, LedgerJson.readTree(auditor));
        Map<String, JsonNode> theirs = rows(view, LedgerJson.readTree(projection));
        TreeSet<String> keys = new TreeSet<>(ours.keySet());
        keys.addAll(theirs.keySet());
        for (String key : keys) {
            JsonNode a = ours.get(key);
            JsonNode b = theirs.get(key);
            if (a == null) {
                out.add(view + "[" + key + "]: only in the projection");
            } else if (b == null) {
                out.add(view + "[" + key + "]: only in the auditor's replay");
            } else {
                compare(view + "[" + key + "]", a, b, out);
            }
        }
        return out;
    }

    private static Map<String, JsonNode> rows(String view, JsonNode array) {
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        for (JsonNode row : array) {
            rows.put(switch (view) {
                case "agreements" -> row.path("agreementId").asText();
                case "transfers" -> row.path("agreementId").asText() + "/" + row.path("transferId").asText();
                case "fees" -> row.path("agreementId").asText() + "/" + row.path("payer").asText() + "→"
                        + row.path("payee").asText() + "/" + row.path("currency").asText();
                case "history" -> row.path("agreementId").asText() + "#" + row.path("sequence").asText();
                case "countryCommitments" -> row.path("country").asText() + "/" + row.path("agreementId").asText()
                        + "/commitments[" + row.path("commitment").asText() + "]";
                default -> Integer.toString(rows.size());
            }, row);
        }
        return rows;
    }

    private static void compare(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a.isObject() && b.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                compare(path + "." + name, a.path(name), b.path(name), out);
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            Iterator<JsonNode> left = a.elements();
            Iterator<JsonNode> right = b.elements();
            for (int i = 0; left.hasNext(); i++) {
                compare(path + "[" + i + "]", left.next(), right.next(), out);
            }
        } else if (!canonical(a).equals(canonical(b))) {
            out.add(path + ": auditor " + canonical(a) + " ≠ projection " + canonical(b));
        }
    }

    private static String canonical(JsonNode node) {
        return node.isMissingNode() ? "(absent)" : CanonicalJson.string(node);
    }
}
