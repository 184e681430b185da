package org.agreementledger.auditor;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The table at the end of {@code verify}: one line per agreement (or per broken one, when there are many). */
final class Summary {

    private static final int LIST_ALL_UP_TO = 50;

    private Summary() {
    }

    static void print(PrintStream out, ChainVerifier verifier, TopicLog.Extent extent, double seconds, boolean all) {
        Map<String, ChainVerifier.Chain> chains = verifier.chains();
        boolean listAll = all || chains.size() <= LIST_ALL_UP_TO;
        out.printf("%-36s %8s %9s %-14s %s%n", "AGREEMENT", "EVENTS", "LAST SEQ", "HEAD", "CHAIN");
        long broken = 0;
        for (ChainVerifier.Chain chain : chains.values()) {
            List<Finding.Kind> breaks = chain.breaks();
            if (!breaks.isEmpty()) {
                broken++;
            }
            if (listAll || !breaks.isEmpty()) {
                String head = chain.hashAt(chain.lastSequence()).map(ChainVerifier::shortHash).orElse("-");
                out.printf("%-36s %8d %9d %-14s %s%n", chain.agreementId, chain.events, chain.lastSequence(), head,
                        breaks.isEmpty() ? "ok" : breaks.stream().distinct().map(Enum::name).collect(Collectors.joining(",")));
            }
        }
        if (!listAll) {
            out.printf("(%,d agreements with an intact chain not listed; --all lists them)%n", chains.size() - broken);
        }
        out.println();
        out.printf("Read %,d events from %d partitions (end position %s) in %.1f s: %,.0f events/s%n", extent.records(),
                extent.ends().size(), PointInLog.format(extent.ends()), seconds, seconds > 0 ? extent.records() / seconds : 0);
        out.printf("Agreements: %,d, chains intact: %,d, broken: %,d%s%n", chains.size(), chains.size() - broken, broken,
                verifier.redeliveries() > 0 ? ", identical redeliveries tolerated: " + verifier.redeliveries() : "");
    }
}
