package org.agreementledger.projection.consumer;

import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;

/**
 * A view kept from other views' rows rather than from the events alone: brought up to date after the projectors'
 * writes of a batch are sent, in the same transaction, for the events the batch applied. It may read the views
 * (they already hold the batch), and writes only rows of those events' agreements.
 */
public interface DerivedView {

    void refresh(List<AppliedEvent> applied, JdbcTemplate jdbc);
}
