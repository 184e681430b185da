package org.agreementledger.projection.country;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.projection.access.ReadAccess;
import org.agreementledger.projection.asof.AsOfViews;
import org.agreementledger.projection.asof.PointInLog;
import org.agreementledger.projection.live.FeedBacklog;
import org.agreementledger.projection.live.FeedId;
import org.agreementledger.projection.live.LiveFeed;
import org.agreementledger.projection.live.StreamStart;
import org.agreementledger.security.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A country's commitments over REST, now or as of a point in the log, and live. */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Countries", description = "Each country's commitments and their use")
class CountryCommitmentsQuery {

    private final CountryCommitmentsView view;
    private final ReadAccess access;
    private final LiveFeed feed;
    private final FeedBacklog backlog;
    private final AsOfViews asOfViews;

    CountryCommitmentsQuery(CountryCommitmentsView view, ReadAccess access, LiveFeed feed, FeedBacklog backlog,
                            AsOfViews asOfViews) {
        this.view = view;
        this.access = access;
        this.feed = feed;
        this.backlog = backlog;
        this.asOfViews = asOfViews;
    }

    @GetMapping("/countries/{country}/commitments")
    @Operation(summary = "A country's commitments: what it accepts and from whom, capacity used, volume targets, fees")
    @ApiResponse(responseCode = "200", description = "The country's commitments and their use", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = CountryCommitments.class)))
    ResponseEntity<?> commitmentsOf(@PathVariable String country, PointInLog pointInLog) {
        if (!CountryCode.isKnown(country)) {
            return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request",
                    "'" + country + "' is not an ISO 3166-1 alpha-2 country code.", "country");
        }
        access.restrictedTo().filter(own -> !own.equals(country)).ifPresent(own -> {
            throw new ReadAccess.NotAParty(own + " reads its own commitments only; auditors and dashboards read every country's.",
                    null);
        });
        try {
            return ResponseEntity.ok(asOfViews.answer(pointInLog, () -> view.read(country), () -> view.now(country)));
        } catch (CountryCommitmentsView.TooLarge e) {
            return tooLarge(e);
        }
    }

    /** 422: the view is refused whole rather than cut; the agreements can be read a page at a time. */
    private static ResponseEntity<?> tooLarge(CountryCommitmentsView.TooLarge e) {
        ResponseEntity<org.springframework.http.ProblemDetail> response = Problems.response(
                HttpStatus.UNPROCESSABLE_ENTITY, "view-too-large", e.getMessage() + ". Read its agreements a page at "
                        + "a time: GET /agreements?party=" + e.country() + "&page=0&size=50.", "country");
        response.getBody().setProperty("commitments", e.commitments());
        response.getBody().setProperty("maxCommitments", CountryCommitmentsView.MAX_COMMITMENTS_LISTED);
        return response;
    }

    @GetMapping(path = "/live/countries/{country}/commitments", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "A country's commitments, live: the current view at once, then the new view once events that "
            + "concern it are applied (the latest only: one per applied batch at most; its id is the last event it includes)")
    ResponseEntity<?> liveCommitmentsOf(@PathVariable String country,
                                        @RequestHeader(name = "Last-Event-ID", required = false)
                                        @FeedId
                                        String lastEventId) {
        // the starting point first: an event applied while the snapshot is read is then sent as an update
        StreamStart after = StreamStart.of(lastEventId, null, backlog.latest());
        ResponseEntity<?> current = commitmentsOf(country, new PointInLog(null, null));
        if (!current.getStatusCode().is2xxSuccessful()) {
            return current;
        }
        return ResponseEntity.ok(feed.subscribeToView(after, item -> item.parties().contains(country),
                backlog::after, () -> nowOrTooLarge(country), current.getBody()));
    }

    /** The view after an event; once the country has outgrown it, the problem in its place (the stream stays open). */
    private Object nowOrTooLarge(String country) {
        try {
            return view.now(country);
        } catch (CountryCommitmentsView.TooLarge e) {
            return tooLarge(e).getBody();
        }
    }
}
