package org.agreementledger.projection.live;

/**
 * Where a live subscription starts: after the feed id a client resumes from ({@code Last-Event-ID}, else
 * {@code after}), or from now. An id beyond the newest this instance has issued was issued in another numbering (before
 * a rebuild, or by another instance): the events "after" it here would be others than the client missed, so such a
 * subscriber starts from now and is told to reload ({@code resync}), as every subscriber is after a rebuild.
 */
public record StreamStart(long after, boolean renumbered) {

    /**
     * @param lastEventId the header, already checked as a {@link FeedId}, or null
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
