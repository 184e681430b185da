package org.agreementledger.projection.consumer;

import org.springframework.jdbc.core.PreparedStatementCreator;

import java.sql.PreparedStatement;

/** A statement whose parameters are varchar arrays: one round trip for a whole batch's keys ({@code = ANY (?)}, {@code unnest}). */
public final class VarcharArrays {

    private VarcharArrays() {
    }

    public static PreparedStatementCreator statement(String sql, String[]... arrays) {
        return connection -> {
            PreparedStatement statement = connection.prepareStatement(sql);
            for (int i = 0; i < arrays.length; i++) {
                statement.setArray(i + 1, connection.createArrayOf("varchar", arrays[i]));
            }
            return statement;
        };
    }
}
