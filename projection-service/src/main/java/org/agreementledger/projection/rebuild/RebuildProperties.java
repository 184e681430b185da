package org.agreementledger.projection.rebuild;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How a rebuild runs: {@code parallelism} consumers replay the partitions at once (more than there are partitions
 * do nothing); dropping the replaced views waits at most {@code oldViewsLockWait} for queries still reading them.
 */
@ConfigurationProperties("projection.rebuild")
public record RebuildProperties(@DefaultValue("2") int parallelism, @DefaultValue("10s") Duration oldViewsLockWait) {

    private static final int MAX_PARALLELISM = 64;

    public RebuildProperties {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("projection.rebuild.parallelism must be between 1 and " + MAX_PARALLELISM
                    + ", not " + parallelism);
        }
        // PostgreSQL's lock_timeout takes whole milliseconds, and 0 would mean waiting for ever
        if (oldViewsLockWait.compareTo(Duration.ofMillis(1)) < 0 || oldViewsLockWait.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("projection.rebuild.old-views-lock-wait must be between 1ms and 1h, not "
                    + oldViewsLockWait);
        }
    }
}
