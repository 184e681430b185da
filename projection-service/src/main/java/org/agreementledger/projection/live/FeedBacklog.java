package org.agreementledger.projection.live;

import org.agreementledger.projection.consumer.FeedItem;
import com.fasterxml.jackson.core.type.TypeReference;
import org.agreementledger.projection.consumer.Json;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a reconnecting subscriber missed: applied events after its Last-Event-ID, in feed order. */
@Component
public class FeedBacklog {

    /** The most missed events a resuming subscriber is sent: a longer absence should reload the views instead. */
    static final int MAX_MISSED = 10_000;

    /**
     * Rows read at a time: each holds its event's payload, up to some 160 KiB at the contract's bounds, and pages of
     * 10,000 were enough for a few resuming subscribers to exhaust the heap.
     */
    static final int PAGE = 100;
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;

    FeedBacklog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    private static final String ITEMS = """
            SELECT h.feed_id, h.agreement_id, h.sequence, h.type, h.occurred_at, h.principal, h.country, a.parties,
                   h.payload
            FROM agreement_history h JOIN agreement_view a ON a.agreement_id = h.agreement_id""";

    /** The next page of applied events after {@code feedId}, in feed order. */
    public List<FeedItem> after(long feedId) {
        if (feedId < 0) {
            return List.of();
        }
        return jdbc.query(ITEMS + " WHERE h.feed_id > ? ORDER BY h.feed_id LIMIT ?", FeedBacklog::item, feedId, PAGE);
    }

    /**
     * The newest {@code limit} applied events, newest first, of the agreements {@code country} is a party to (all when
     * empty): what a dashboard shows before its subscription brings the next ones.
     */
    public List<FeedItem> newest(int limit, Optional<String> country) {
        String where = country.map(c -> " WHERE a.parties @> ?::jsonb").orElse("");
        List<Object> args = new ArrayList<>();
        country.ifPresent(c -> args.add("[\"" + c + "\"]"));
        args.add(limit);
        return jdbc.query(ITEMS + where + " ORDER BY h.feed_id DESC LIMIT ?", FeedBacklog::item, args.toArray());
    }

    private static FeedItem item(ResultSet rs, int row) throws SQLException {
        return new FeedItem(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getString(7),
                Json.read(rs.getString(8), STRINGS), rs.getString(9));
    }

    /** The id of the newest applied event, so a new subscriber starts from now. */
    public long latest() {
        Long latest = jdbc.queryForObject("SELECT max(feed_id) FROM agreement_history", Long.class);
        return latest == null ? 0 : latest;
    }
}
