package org.agreementledger.ledger.audit;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Validity;
import org.agreementledger.ledger.agreement.LifecycleCommands.OfferAgreement;
import org.agreementledger.ledger.axon.LastAppend;
import org.agreementledger.ledger.axon.RequestCorrelationDataProvider;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.agreementledger.security.Roles;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command's receipt (its events' leaves in the transparency log) is handed to it by the group commit that committed
 * it, which reads the leaves of its whole batch at once, for the commands that will answer receipts (run Z34).
 */
class ACommandsReceiptComesWithItsCommitTest extends LedgerIntegrationTest {

    private static final LocalDate OFFERED_ON = LocalDate.of(2025, 2, 3);

    @Autowired
    CommandGateway commands;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theCommitHandsEachCommandTheLeavesTheLogGaveItsEvents() {
        LastAppend.expect();
        AgreementId agreementId = offer();

        Map<String, Object> leaf = jdbc.queryForMap("SELECT encode(event_hash, 'hex') AS hash, log_index "
                + "FROM transparency_log_leaf WHERE agreement_id = ? AND sequence = 0", agreementId.value());
        assertThat(LastAppend.take(agreementId.value(), 0, LoggedEvent::new)).as("handed over with the commit")
                .contains(List.of(new LoggedEvent(0, (String) leaf.get("hash"), (Long) leaf.get("log_index"))));
        assertThat(LastAppend.take(agreementId.value(), 0, LoggedEvent::new)).as("taken once").isEmpty();
    }

    @Test
    void aCommandSentInProcessAsksNoReceiptsOfItsCommit() {
        AgreementId agreementId = offer();

        assertThat(LastAppend.take(agreementId.value(), 0, LoggedEvent::new)).isEmpty();
    }

    private AgreementId offer() {
        AgreementId agreementId = AgreementId.generate();
        commands.sendAndWait(GenericCommandMessage.asCommandMessage(new OfferAgreement(agreementId, CountryCode.of("SV"),
                        List.of(CountryCode.of("US")), OFFERED_ON,
                        new AgreementTerms("Receipt at the commit", null, null, new Validity(OFFERED_ON, null)), null))
                .andMetaData(Map.of(RequestCorrelationDataProvider.PRINCIPAL, "receipts-test",
                        RequestCorrelationDataProvider.COUNTRY, "SV", RequestCorrelationDataProvider.ROLES, Roles.WRITE)));
        return agreementId;
    }
}
