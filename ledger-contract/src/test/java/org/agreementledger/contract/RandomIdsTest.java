package org.agreementledger.contract;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Ids drawn on many threads at once: each thread its own generator, no id twice, time-ordered ids still in order. */
class RandomIdsTest {

    @Test
    void randomIdsAreVersionFourUuidsInTheirCanonicalSpelling() {
        for (int i = 0; i < 1_000; i++) {
            UUID id = RandomIds.next();
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(CanonicalUuids.parse(id.toString())).isEqualTo(id);
        }
    }

    @Test
    void idsDrawnOnManyThreadsAtOnceAreNeverTheSame() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<UUID>>> drawn = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                drawn.add(threads.submit(() -> {
                    List<UUID> ids = new ArrayList<>();
                    for (int i = 0; i < 25_000; i++) {
                        ids.add(RandomIds.next());
                        ids.add(TimeOrderedIds.next());
                    }
                    return ids;
                }));
            }
            Set<UUID> all = new HashSet<>();
            for (Future<List<UUID>> ids : drawn) {
                all.addAll(ids.get());
            }
            assertThat(all).hasSize(8 * 2 * 25_000);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void timeOrderedIdsMadeLaterSortLater() {
        String previous = TimeOrderedIds.next().toString();
        for (int i = 0; i < 100_000; i++) {
            String next = TimeOrderedIds.next().toString();
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
    }
}
