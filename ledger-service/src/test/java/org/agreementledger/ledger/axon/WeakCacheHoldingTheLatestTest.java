package org.agreementledger.ledger.axon;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;

import static org.assertj.core.api.Assertions.assertThat;

class WeakCacheHoldingTheLatestTest {

    @Test
    void theAgreementsUsedLastSurviveAFullCollectionAndOnesRemovedAreLetGo() {
        WeakCacheHoldingTheLatest cache = new WeakCacheHoldingTheLatest(2);
        cache.put("older", new byte[1024]);
        cache.put("worked-on", new byte[1024]);
        cache.put("latest", new byte[1024]);
        cache.get("worked-on");
        WeakReference<Object> older = new WeakReference<>(cache.get("older"));
        cache.get("worked-on");
        cache.get("latest");

        collectUntilCleared(older);

        assertThat(older.get()).as("beyond the two used last, an entry is only weakly held").isNull();
        assertThat((Object) cache.get("worked-on")).isNotNull();
        assertThat((Object) cache.get("latest")).isNotNull();

        WeakReference<Object> removed = new WeakReference<>(cache.get("latest"));
        cache.remove("latest");
        collectUntilCleared(removed);
        assertThat(removed.get()).as("a removed entry is not held").isNull();
        cache.removeAll();
        assertThat(cache.containsKey("worked-on")).isFalse();
    }

    private static void collectUntilCleared(WeakReference<Object> reference) {
        for (int attempt = 0; attempt < 10 && reference.get() != null; attempt++) {
            System.gc();
        }
    }
}
