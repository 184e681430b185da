package org.agreementledger.projection.consumer;

import java.util.List;

/** Told, after the transaction, which events a batch applied to the live views. */
public interface AppliedBatchListener {

    void applied(List<FeedItem> items);

    /** A rebuild, on this instance or another, swapped the live views: told before the first batch applied to them. */
    default void viewsReplaced() {
    }
}
