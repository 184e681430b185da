package org.agreementledger.auditor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.views.AsOfPoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The table at the end of {@code verify}: one line per agreement (or per broken one, when there are many). */
final class Summary {

    private static final int LIST_ALL_UP_TO = 50;

    private Summary() {
    }

    /** Every agreement is listed when there are few, or when asked; otherwise only the broken ones. */
    private static boolean listsAll(ChainVerifier verifier, boolean all) {
        return all || verifier.chains().size() <= LIST_ALL_UP_TO;
    }

    /** The same outcome for programs: what was read, every finding, the checkpoints, and the agreements' heads. */
    static void writeReport(Path file, ChainVerifier verifier, TopicLog.Extent extent, double seconds,
                            List<String> checkpoints, boolean all) throws IOException {
        ObjectNode report = LedgerJson.mapper().createObjectNode();
        report.put("result", verifier.findings().isEmpty() ? "VERIFIED" : "FAILED");
        report.put("events", extent.records());
        report.put("position", AsOfPoint.format(extent.ends()));
        report.put("seconds", Math.round(seconds * 10) / 10.0);
        report.put("agreementCount", verifier.chains().size());
        report.put("redeliveriesTolerated", verifier.redeliveries());
        ArrayNode findings = report.putArray("findings");
        for (Finding finding : verifier.findings()) {
            ObjectNode f = findings.addObject();
            f.put("kind", finding.kind().name());
            f.put("agreementId", finding.agreementId());
            if (finding.sequence() != null) {
                f.put("sequence", finding.sequence());
            }
            f.put("where", finding.where());
            f.put("detail", finding.detail());
        }
        checkpoints.forEach(report.putArray("checkpoints")::add);
        ArrayNode agreements = report.putArray("agreements");
        boolean listAll = listsAll(verifier, all);
        for (ChainTable.Chain chain : verifier.chains().values()) {
            if (listAll || !chain.breaks().isEmpty()) {
                ObjectNode a = agreements.addObject();
                a.put("agreementId", chain.agreementId());
                a.put("events", chain.events());
                a.put("lastSequence", chain.lastSequence());
                chain.hashAt(chain.lastSequence()).ifPresent(h -> a.put("head", h));
                chain.breaks().stream().distinct().forEach(kind -> a.withArray("breaks").add(kind.name()));
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, LedgerJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
    }

    static void print(PrintStream out, ChainVerifier verifier, TopicLog.Extent extent, double seconds, boolean all) {
        Map<String, ChainTable.Chain> chains = verifier.chains();
        boolean listAll = listsAll(verifier, all);
        out.printf("%-36s %8s %9s %-14s %s%n", "AGREEMENT", "EVENTS", "LAST SEQ", "HEAD", "CHAIN");
        long broken = 0;
        for (ChainTable.Chain chain : chains.values()) {
            List<Finding.Kind> breaks = chain.breaks();
            if (!breaks.isEmpty()) {
                broken++;
            }
            if (listAll || !breaks.isEmpty()) {
                String head = chain.hashAt(chain.lastSequence()).map(ChainVerifier::shortHash).orElse("-");
                out.printf("%-36s %8d %9d %-14s %s%n", chain.agreementId(), chain.events(), chain.lastSequence(), head,
                        breaks.isEmpty() ? "ok" : breaks.stream().distinct().map(Enum::name).collect(Collectors.joining(",")));
            }
        }
        if (!listAll) {
            out.printf("(%,d agreements with an intact chain not listed; --all lists them)%n", chains.size() - broken);
        }
        out.println();
        out.printf("Read %,d events from %d partitions (end position %s) in %.1f s: %,.0f events/s%n", extent.records(),
                extent.ends().size(), AsOfPoint.format(extent.ends()), seconds, seconds > 0 ? extent.records() / seconds : 0);
        out.printf("Agreements: %,d, chains intact: %,d, broken: %,d%s%n", chains.size(), chains.size() - broken, broken,
                verifier.redeliveries() > 0 ? ", identical redeliveries tolerated: " + verifier.redeliveries() : "");
    }
}
