package org.agreementledger.ledger.agreement;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Coverage;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferId;
import org.agreementledger.contract.TransferRecorded;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The transfers of one agreement as its events left them; the rules they must meet are {@link TransferRules}. */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
        getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE)
class TransferBook {

    enum Status { RECORDED, COMPLETED, CANCELLED }

    /** @param countsSequence the sequence number of the event that set the current counts */
    record Transfer(TransferId transferId, CountryCode fromCountry, CountryCode toCountry, LocalDate transferDate,
                    List<Headcount> headcounts, Status status, long countsSequence) {

        int persons() {
            return headcounts.stream().mapToInt(Headcount::count).sum();
        }

        Transfer with(Status newStatus) {
            return new Transfer(transferId, fromCountry, toCountry, transferDate, headcounts, newStatus, countsSequence);
        }
    }

    private final Map<String, Transfer> transfers = new LinkedHashMap<>();

    Optional<Transfer> find(TransferId transferId) {
        return Optional.ofNullable(transfers.get(transferId.value()));
    }

    boolean contains(TransferId transferId) {
        return transfers.containsKey(transferId.value());
    }

    /** What counts against capacity: every transfer not cancelled, except the one being corrected. */
    List<Coverage.Movement> movementsExcept(TransferId excluded) {
        return transfers.values().stream()
                .filter(t -> t.status() != Status.CANCELLED && !t.transferId().equals(excluded))
                .map(t -> new Coverage.Movement(t.fromCountry(), t.toCountry(), t.transferDate(), t.headcounts()))
                .toList();
    }

    void recorded(TransferRecorded event, long sequence) {
        transfers.put(event.transferId().value(), new Transfer(event.transferId(), event.fromCountry(),
                event.toCountry(), event.transferDate(), event.headcounts(), Status.RECORDED, sequence));
    }

    void completed(TransferId transferId) {
        transfers.computeIfPresent(transferId.value(), (id, transfer) -> transfer.with(Status.COMPLETED));
    }

    void cancelled(TransferId transferId) {
        transfers.computeIfPresent(transferId.value(), (id, transfer) -> transfer.with(Status.CANCELLED));
    }

    void corrected(TransferCorrected event, long sequence) {
        transfers.computeIfPresent(event.transferId().value(), (id, t) -> new Transfer(t.transferId(), t.fromCountry(),
                t.toCountry(), t.transferDate(), event.headcounts(), t.status(), sequence));
    }
}
