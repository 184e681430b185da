package org.agreementledger.projection.consumer;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.SQLException;

/**
 * Transactions of bulk work on a whole schema. The pool's connections give up on PostgreSQL after the driver's
 * {@code socketTimeout}, so that a hung database answers queries 503 rather than holding them; a bulk statement may
 * legitimately run longer, so its transaction's connection waits up to {@link BulkProperties#statementTimeout()}
 * instead. Hikari puts the pool's timeout back when the connection returns.
 */
@Component
public class BulkTransactions {

    private final TransactionTemplate transaction;
    private final DataSource dataSource;
    private final int timeoutMillis;

    BulkTransactions(TransactionTemplate transaction, DataSource dataSource, BulkProperties properties) {
        this.transaction = transaction;
        this.dataSource = dataSource;
        this.timeoutMillis = (int) properties.statementTimeout().toMillis();
    }

    public <T> T execute(TransactionCallback<T> work) {
        return transaction.execute(status -> {
            try {
                DataSourceUtils.getConnection(dataSource).setNetworkTimeout(Runnable::run, timeoutMillis);
            } catch (SQLException e) {
                throw new DataAccessResourceFailureException("could not set the bulk statement timeout", e);
            }
            return work.doInTransaction(status);
        });
    }

    public void run(Runnable work) {
        execute(status -> {
            work.run();
            return null;
        });
    }
}
