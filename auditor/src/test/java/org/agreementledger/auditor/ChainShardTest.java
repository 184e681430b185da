package org.agreementledger.auditor;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.CanonicalUuids;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.integrity.EventChain;
import org.agreementledger.contract.integrity.Sha256;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Whoever can write to the topic can write any sequence number into a record's headers; the auditor exists to report
 * what such a writer did, so no claim may stop it or take its memory.
 */
class ChainShardTest {

    private final ChainShard shard = new ChainShard(false);
    private long read;

    @Test
    void recordsClaimingSequencesFarBeyondTheirHistoryAreReportedAsGapsNotHeldAsGigabytesOfThem() {
        AgreementId agreement = AgreementId.generate();
        String head = seal(agreement, 0, null);
        head = seal(agreement, 1, head);
        seal(agreement, 4_000_000_000L, head);
        // each would have been 320 MB of zero hashes, and a 4 GB one an index past any array
        List<AgreementId> jumpers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            AgreementId jumper = AgreementId.generate();
            jumpers.add(jumper);
            seal(jumper, 10_000_000L, null);
        }
        seal(agreement, EventEnvelope.MAX_SEQUENCE, null);
        shard.finish();

        assertThat(shard.findings()).filteredOn(finding -> finding.agreementId().equals(agreement.value()))
                .extracting(Finding::kind, Finding::sequence)
                .containsExactly(tuple(Finding.Kind.MISSING, 2L), tuple(Finding.Kind.MISSING, 4_000_000_001L));
        assertThat(shard.findings()).filteredOn(finding -> finding.agreementId().equals(jumpers.get(0).value()))
                .extracting(Finding::kind, Finding::detail)
                .containsExactly(tuple(Finding.Kind.MISSING, "#0..#9999999 are absent: the history starts at #10000000"));
        ChainTable.Chain chain = shard.chains().get(agreement.value());
        assertThat(chain.lastSequence()).isEqualTo(EventEnvelope.MAX_SEQUENCE);
        assertThat(chain.hashAt(1)).as("what was held before the gaps").contains(head);
        assertThat(chain.hashAt(2)).isEmpty();
        assertThat(chain.hashAt(4_000_000_000L)).isPresent();
        assertThat(chain.hashAt(EventEnvelope.MAX_SEQUENCE)).isPresent();
    }

    @Test
    void aSequenceNoLedgerCanReachOrBelowZeroIsAMalformedRecord() {
        AgreementId agreement = AgreementId.generate();
        accept(agreement, "-1");
        accept(agreement, Long.toString(EventEnvelope.MAX_SEQUENCE + 1));
        accept(agreement, Long.toString(Long.MAX_VALUE));
        shard.finish();

        assertThat(shard.findings()).extracting(Finding::kind).containsOnly(Finding.Kind.MALFORMED).hasSize(3);
        assertThat(shard.findings().get(0).detail()).contains("sequence -1 is out of range");
    }

    @Test
    void anAgreementIdSpelledAnotherWayNamesAnotherHistoryAsForEveryReaderThatComparesIdsAsRecorded() {
        AgreementId canonical = AgreementId.of("0000000a-0001-0001-0001-000000000001");
        AgreementId upperCase = AgreementId.of("0000000A-0001-0001-0001-000000000001");
        AgreementId shortForm = AgreementId.of("a-1-1-1-1");
        String first = seal(canonical, 0, null);
        String second = seal(upperCase, 0, null);
        String third = seal(shortForm, 0, null);
        seal(canonical, 1, first);
        shard.finish();

        assertThat(shard.findings()).as("one history each, none conflicting with another at #0").isEmpty();
        assertThat(shard.chains().keySet()).containsExactly(canonical.value(), upperCase.value(), shortForm.value());
        assertThat(shard.chains().get(canonical.value()).lastSequence()).isEqualTo(1);
        assertThat(shard.chains().get(upperCase.value()).hashAt(0)).contains(second);
        assertThat(shard.chains().get(shortForm.value()).hashAt(0)).contains(third);
    }

    @Test
    void everyOneOfManyThousandAgreementsIsFoundAgainAndListedInTheOrderTheLogFirstNamedIt() {
        ChainTable table = new ChainTable();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            table.add(id, CanonicalUuids.parse(id), i);
        }

        assertThat(table.keySet()).containsExactlyElementsOf(ids);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(table.find(ids.get(i)).firstSeen()).isEqualTo(i);
        }
        assertThat(table.find(UUID.randomUUID().toString())).isNull();
    }

    @Test
    void everyHashAChainHoldsIsFoundAgainWhetherItHoldsOneManyOrStartsLate() {
        ChainTable table = new ChainTable();
        int one = table.add(null, UUID.randomUUID(), 0);
        int many = table.add(null, UUID.randomUUID(), 1);
        int late = table.add(null, UUID.randomUUID(), 2);
        table.put(one, 0, digest(1));
        for (int sequence = 0; sequence < 100; sequence++) {
            table.put(many, sequence, digest(1000 + sequence));
        }
        table.put(late, 7, digest(7));
        table.put(late, 8, digest(8));

        assertThat(table.hashAt(one, 0)).contains(Sha256.toHex(digest(1)));
        assertThat(table.hashAt(one, 1)).isEmpty();
        for (int sequence = 0; sequence < 100; sequence++) {
            assertThat(table.hashIs(many, sequence, digest(1000 + sequence))).isTrue();
        }
        assertThat(table.hashIs(many, 5, digest(1006))).isFalse();
        assertThat(table.holds(late, 3)).as("a gap before its first event is held as nothing").isFalse();
        assertThat(table.hashAt(late, 7)).contains(Sha256.toHex(digest(7)));
        assertThat(table.known(late)).isEqualTo(9);
    }

    private static byte[] digest(int seed) {
        byte[] digest = new byte[32];
        java.util.Arrays.fill(digest, (byte) seed);
        digest[0] = 1;
        return digest;
    }

    @Test
    void idsCraftedToShareOneHashDoNotTurnEveryLookupIntoAScanOfTheTable() {
        ChainTable crafted = new ChainTable();
        ChainTable random = new ChainTable();
        for (long i = 0; i < 100_000; i++) {
            // one value of high ^ rotl(low, 32) for all: an unseeded hash of it would put every id in one probe run
            crafted.add(null, new UUID(0x5EEDL ^ Long.rotateLeft(i, 32), i), i);
            random.add(null, UUID.randomUUID(), i);
        }

        assertThat(crafted.longestProbe()).as("against %s for random ids", random.longestProbe()).isLessThan(200);
    }

    @Test
    void aHeaderGivenTwiceCountsWithItsLastValueHoweverItIsLookedUp() {
        LogRecord record = new LogRecord(0, 0, "k", new String[] {EventHeaders.SUBJECT, "x-other", EventHeaders.SUBJECT},
                new byte[][] {"first".getBytes(StandardCharsets.UTF_8), "o".getBytes(StandardCharsets.UTF_8),
                        "last".getBytes(StandardCharsets.UTF_8)}, new byte[0]);

        assertThat(record.header(EventHeaders.SUBJECT)).isEqualTo("last");
        assertThat(record.headers().apply(EventHeaders.SUBJECT)).isEqualTo("last");
        assertThat(record.headers().apply("x-other")).isEqualTo("o");
        assertThat(record.headers().apply(EventHeaders.HASH)).isNull();
        assertThat(record.headers().repeated()).isEqualTo(EventHeaders.SUBJECT);
    }

    @Test
    void aSealedEventWhoseRecordNamesASecondAgreementInARepeatedHeaderIsReportedNotVerified() {
        AgreementId agreement = AgreementId.generate();
        AgreementId decoy = AgreementId.generate();
        String head = seal(agreement, 0, null);
        EventEnvelope sealed = sealedAfter(agreement, 1, head);
        List<String> names = new ArrayList<>(List.of(EventHeaders.SUBJECT));
        List<String> values = new ArrayList<>(List.of(decoy.value()));
        // a reader taking the first ce_subject reads an event of the decoy, one taking the last the sealed one
        sealed.toHeaders().forEach((name, value) -> {
            names.add(name);
            values.add(value);
        });
        shard.accept(new LogRecord(0, read, agreement.value(), names.toArray(String[]::new),
                values.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new), accepted(agreement)),
                read++);
        shard.finish();

        assertThat(shard.findings()).extracting(Finding::kind, Finding::sequence, Finding::detail)
                .containsExactly(tuple(Finding.Kind.MALFORMED, 1L, "header ce_subject is given more than once"));
        assertThat(shard.chains().get(agreement.value()).lastSequence()).as("the record extends no chain").isZero();
    }

    @Test
    void recordsNamingTheirHeadersInAnotherOrderThanTheOneBeforeAreReadAsWritten() {
        byte[] one = "one".getBytes(StandardCharsets.UTF_8);
        byte[] two = "two".getBytes(StandardCharsets.UTF_8);
        LogRecord first = new LogRecord(0, 0, "k", new String[] {EventHeaders.SUBJECT, EventHeaders.HASH},
                new byte[][] {one, two}, new byte[0]);
        LogRecord swapped = new LogRecord(0, 1, "k", new String[] {EventHeaders.HASH, EventHeaders.SUBJECT},
                new byte[][] {one, two}, new byte[0]);
        LogRecord fewer = new LogRecord(0, 2, "k", new String[] {"x-other"}, new byte[][] {one}, new byte[0]);

        assertThat(first.headers().apply(EventHeaders.SUBJECT)).isEqualTo("one");
        assertThat(swapped.headers().apply(EventHeaders.SUBJECT)).isEqualTo("two");
        assertThat(swapped.headers().apply(EventHeaders.HASH)).isEqualTo("one");
        assertThat(fewer.headers().apply(EventHeaders.SUBJECT)).isNull();
        assertThat(fewer.headers().apply("x-other")).isEqualTo("one");
        assertThat(first.headers().apply(EventHeaders.HASH)).isEqualTo("two");
    }

    private static byte[] accepted(AgreementId agreement) {
        return ("{\"agreementId\":\"" + agreement + "\",\"acceptingParty\":\"US\",\"acceptedOn\":\"2025-02-05\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Appends the event at {@code sequence}, sealed after {@code previous}; its hash. */
    private String seal(AgreementId agreement, long sequence, String previous) {
        EventEnvelope sealed = sealedAfter(agreement, sequence, previous);
        shard.accept(record(agreement, sealed.toHeaders(), accepted(agreement)), read++);
        return sealed.hash().orElseThrow();
    }

    private static EventEnvelope sealedAfter(AgreementId agreement, long sequence, String previous) {
        EventEnvelope envelope = new EventEnvelope(UUID.randomUUID().toString(), "AgreementAccepted", agreement, sequence,
                Instant.parse("2025-02-05T10:00:00.123Z"), 1, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.ofNullable(previous), Optional.empty());
        return envelope.withHash(EventChain.hashOf(envelope, accepted(agreement)));
    }

    private void accept(AgreementId agreement, String sequence) {
        EventEnvelope envelope = new EventEnvelope(UUID.randomUUID().toString(), "AgreementAccepted", agreement, 0,
                Instant.parse("2025-02-05T10:00:00.123Z"), 1, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of("0".repeat(64)));
        Map<String, String> headers = new java.util.LinkedHashMap<>(envelope.toHeaders());
        headers.put(EventHeaders.SEQUENCE, sequence);
        shard.accept(record(agreement, headers, "{}".getBytes(StandardCharsets.UTF_8)), read++);
    }

    private LogRecord record(AgreementId agreement, Map<String, String> headers, byte[] body) {
        String[] names = headers.keySet().toArray(String[]::new);
        byte[][] values = headers.values().stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        return new LogRecord(0, read, agreement.value(), names, values, body);
    }
}
