package org.agreementledger.projection.consumer;

import java.util.List;

/** Told, after the transaction, which events a batch applied to the live views. */
public interface AppliedBatchListener {

    void applied(List<FeedItem> items);
}
