package org.agreementledger.projection.consumer;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * What every projection instance writing to one database agrees on through PostgreSQL's advisory locks, each held by a
 * transaction: every batch applied to the live views holds {@link #LIVE_VIEWS} shared, and a rebuild holds it alone
 * while it catches up to the live positions and swaps its views in, so that no instance writes to views about to be
 * replaced; and the running rebuild holds {@link #REBUILD}, so that a second one, on any instance, is refused.
 * A lock held alone is held by a connection of its own in an open transaction: a crash of the instance or of its
 * connection ends the transaction, and with it the lock.
 */
@Component
public class ViewLocks {

    /** The live views ("LiveView" in ASCII). */
    static final long LIVE_VIEWS = 0x4C69_7665_5669_6577L;
    /** A rebuild of the views ("Rebuild!" in ASCII): what an operator finds in {@code pg_locks} while one runs. */
    public static final long REBUILD = 0x5265_6275_696C_6421L;

    /** The live views' schema's oid, which a rebuild's swap changes. */
    static final String LIVE_VIEWS_SCHEMA = "SELECT oid FROM pg_namespace WHERE nspname = '" + EventApplier.LIVE_SCHEMA
            + "'";

    /**
     * The statement that opens a batch on the live views: the shared lock, if no rebuild holds it alone (each statement
     * of the three sees what committed before it ran, so the second sees a swap committed before the lock was free),
     * then the live views' schema as it is now.
     */
    static final String JOIN_LIVE_VIEWS = "SELECT pg_try_advisory_xact_lock_shared(" + LIVE_VIEWS + "); "
            + LIVE_VIEWS_SCHEMA + "; "
            + "SET LOCAL search_path TO " + EventApplier.LIVE_SCHEMA + ", public";

    /** A rebuild elsewhere is swapping the live views: nothing may be applied to them until it has. */
    public static final class ViewsBeingReplaced extends RuntimeException {
        ViewsBeingReplaced() {
            super("a rebuild is replacing the live views");
        }
    }

    /** A lock held until closed. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final int timeoutMillis;

    ViewLocks(DataSource dataSource, JdbcTemplate jdbc, BulkProperties bulk) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.timeoutMillis = (int) bulk.statementTimeout().toMillis();
    }

    /**
     * Runs {@link #JOIN_LIVE_VIEWS} in the caller's transaction.
     *
     * @return the live views' schema's oid, which changes when a rebuild swaps them
     * @throws ViewsBeingReplaced if a rebuild holds the live views alone
     */
    static long joinLiveViews(Statement statement) throws SQLException {
        statement.execute(JOIN_LIVE_VIEWS);
        boolean free = single(statement.getResultSet()).getBoolean(1);
        statement.getMoreResults();
        long schema = single(statement.getResultSet()).getLong(1);
        if (!free) {
            throw new ViewsBeingReplaced();
        }
        return schema;
    }

    private static ResultSet single(ResultSet result) throws SQLException {
        if (!result.next()) {
            throw new IllegalStateException("no row");
        }
        return result;
    }

    /** Holds the live views alone, once every batch applied to them has committed; batches wait until it is closed. */
    public Held holdLiveViewsAlone() {
        return hold("SELECT pg_advisory_xact_lock(" + LIVE_VIEWS + ")", false).orElseThrow();
    }

    /** Whether a rebuild runs on any instance sharing the database: whether its lock is held, taking nothing. */
    public boolean rebuildRunning() {
        // a lock on a 64-bit key is listed with the key's high half as classid, its low half as objid, and objsubid 1
        Boolean held = jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
                               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                               AND classid = ?::bigint::oid AND objid = ?::bigint::oid)""",
                Boolean.class, REBUILD >>> 32, REBUILD & 0xFFFF_FFFFL);
        return Boolean.TRUE.equals(held);
    }

    /** Holds the right to rebuild, unless a rebuild is running on any instance. */
    public Optional<Held> tryHoldRebuild() {
        return hold("SELECT pg_try_advisory_xact_lock(" + REBUILD + ")", true);
    }

    /** @param trying whether {@code lock} answers at once whether it got the lock, rather than waiting for it */
    private Optional<Held> hold(String lock, boolean trying) {
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            // waiting for a batch in flight elsewhere may outlast the pool's socket timeout, which is for queries
            connection.setNetworkTimeout(Runnable::run, timeoutMillis);
            connection.setAutoCommit(false);
            boolean held;
            try (Statement statement = connection.createStatement()) {
                try (ResultSet result = statement.executeQuery(lock)) {
                    held = !trying || single(result).getBoolean(1);
                }
                // The lock's query leaves its portal open, and with it its snapshot, until the next statement: held
                // through a rebuild, it kept PostgreSQL from removing any row version made obsolete meanwhile, and an
                // agreement with 100,000 amendments rebuilt in quadratic time (docs/benchmarks.md, run Z27). A
                // statement that takes no snapshot replaces the portal; this one also keeps a server's idle timeout
                // for transactions from ending the lock's.
                statement.execute("SET LOCAL idle_in_transaction_session_timeout = 0");
            }
            if (!held) {
                release(connection);
                return Optional.empty();
            }
            Connection holding = connection;
            return Optional.of(() -> release(holding));
        } catch (SQLException | RuntimeException e) {
            if (connection != null) {
                release(connection);
            }
            throw new DataAccessResourceFailureException("could not take a lock on the views: " + e.getMessage(), e);
        }
    }

    /** Ends the transaction, and with it the lock; the pool discards a connection that cannot. */
    private static void release(Connection connection) {
        try (connection) {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is broken, and so is its session: PostgreSQL has released the lock
        }
    }
}
