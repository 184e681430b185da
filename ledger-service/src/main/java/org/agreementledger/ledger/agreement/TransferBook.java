package org.agreementledger.ledger.agreement;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment.AcceptPeople;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Coverage;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferId;
import org.agreementledger.contract.TransferRecorded;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The transfers of one agreement as its events left them, and the people each capacity has taken so far; the rules
 * they must meet are {@link TransferRules}. A transfer keeps what the rules ask of it (its persons, and how many of
 * them each of the receiver's commitments took), not its headcounts: the book is in every snapshot and cached
 * agreement, and a transfer's hundred headcount lines would make it grow by kilobytes per transfer.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
        getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE)
class TransferBook {

    enum Status { RECORDED, COMPLETED, CANCELLED }

    /**
     * @param takenByCommitment the persons each of the receiver's accept commitments took, by its index among them
     *                          (as {@link Coverage#personsPerCommitment} counts them)
     * @param countsSequence    the sequence number of the event that set the current counts
     */
    record Transfer(TransferId transferId, CountryCode fromCountry, CountryCode toCountry, LocalDate transferDate,
                    int persons, List<Long> takenByCommitment, Status status, long countsSequence) {

        Transfer with(Status newStatus) {
            return new Transfer(transferId, fromCountry, toCountry, transferDate, persons, takenByCommitment, newStatus,
                    countsSequence);
        }
    }

    private final Map<String, Transfer> transfers = new LinkedHashMap<>();

    /** Persons taken by transfers that are not cancelled, per receiver, commitment with a capacity, and period. */
    private final Map<String, Long> capacityUsed = new HashMap<>();

    Optional<Transfer> find(TransferId transferId) {
        return Optional.ofNullable(transfers.get(transferId.value()));
    }

    boolean contains(TransferId transferId) {
        return transfers.containsKey(transferId.value());
    }

    /** What transfers not cancelled have taken of the receiver's commitment {@code commitment} in {@code period}. */
    long capacityUsed(CountryCode receiver, int commitment, String period) {
        return capacityUsed.getOrDefault(key(receiver, commitment, period), 0L);
    }

    void recorded(TransferRecorded event, long sequence, List<AcceptPeople> receiverCommitments) {
        Transfer transfer = new Transfer(event.transferId(), event.fromCountry(), event.toCountry(), event.transferDate(),
                persons(event.headcounts()),
                taken(receiverCommitments, event.fromCountry(), event.headcounts()),
                Status.RECORDED, sequence);
        transfers.put(event.transferId().value(), transfer);
        count(transfer, receiverCommitments, 1);
    }

    void completed(TransferId transferId) {
        transfers.computeIfPresent(transferId.value(), (id, transfer) -> transfer.with(Status.COMPLETED));
    }

    void cancelled(TransferId transferId, Function<CountryCode, List<AcceptPeople>> commitmentsOf) {
        Transfer transfer = transfers.get(transferId.value());
        if (transfer != null && transfer.status() != Status.CANCELLED) {
            count(transfer, commitmentsOf.apply(transfer.toCountry()), -1);
            transfers.put(transferId.value(), transfer.with(Status.CANCELLED));
        }
    }

    void corrected(TransferCorrected event, long sequence, Function<CountryCode, List<AcceptPeople>> commitmentsOf) {
        Transfer before = transfers.get(event.transferId().value());
        if (before == null) {
            return;
        }
        List<AcceptPeople> commitments = commitmentsOf.apply(before.toCountry());
        Transfer after = new Transfer(before.transferId(), before.fromCountry(), before.toCountry(),
                before.transferDate(), persons(event.headcounts()),
                taken(commitments, before.fromCountry(), event.headcounts()),
                before.status(), sequence);
        if (before.status() != Status.CANCELLED) {
            count(before, commitments, -1);
            count(after, commitments, 1);
        }
        transfers.put(event.transferId().value(), after);
    }

    private void count(Transfer transfer, List<AcceptPeople> commitments, int sign) {
        for (int c = 0; c < commitments.size(); c++) {
            Capacity capacity = commitments.get(c).capacity();
            long taken = transfer.takenByCommitment().get(c);
            if (capacity != null && taken != 0) {
                capacityUsed.merge(key(transfer.toCountry(), c, capacity.periodOf(transfer.transferDate())),
                        sign * taken, Long::sum);
            }
        }
    }

    private static String key(CountryCode receiver, int commitment, String period) {
        return receiver.value() + " " + commitment + " " + period;
    }

    private static List<Long> taken(List<AcceptPeople> commitments, CountryCode sender, List<Headcount> headcounts) {
        return Arrays.stream(Coverage.personsPerCommitment(commitments, sender, headcounts)).boxed().toList();
    }

    private static int persons(List<Headcount> headcounts) {
        return headcounts.stream().mapToInt(Headcount::count).sum();
    }
}
