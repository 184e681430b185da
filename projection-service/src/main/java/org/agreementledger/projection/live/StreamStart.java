package org.agreementledger.projection.live;

/**
 * Where a live subscription starts: after the feed id a client resumes from ({@code Last-Event-ID}, else
 * {@code after}), or from now. An id beyond the newest this instance has issued was issued in another numbering (before
 * a rebuild, or by another instance): the events "after" it here would be others than the client missed, so such a
 * subscriber starts from now and is told to reload ({@code resync}), as every subscriber is after a rebuild.
 */
public record StreamStart(long after, boolean renumbered) {

    /** A feed id as the streams send it; the controllers refuse any other Last-Event-ID. */
    public static final String FEED_ID = "[0-9]{1,18}";
    public static final String NOT_A_FEED_ID = "must be a feed id as the stream sent it: a whole number of 1 to 18 digits";

    /**
     * @param lastEventId the header, already checked against {@link #FEED_ID}, or null
     * @param after       the query parameter, 0 or more, or null
     * @param newest      the newest feed id this instance has issued
     */
    public static StreamStart of(String lastEventId, Long after, long newest) {
        Long resume = lastEventId != null ? Long.valueOf(lastEventId) : after;
        if (resume == null) {
            return new StreamStart(newest, false);
        }
        return resume > newest ? new StreamStart(newest, true) : new StreamStart(resume, false);
    }
}
