package org.agreementledger.security.web;

import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import java.io.EOFException;
import java.net.SocketException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** A command whose database connection breaks is never answered as if it had succeeded; a failed read is not told to use a key. */
class DatabaseFailuresTest {

    @RestController
    static class Commands {

        @PostMapping("/broken-pipe")
        String brokenPipe() throws SQLException {
            throw new SQLException("An I/O error occurred while sending to the backend.", "08006",
                    new SocketException("Broken pipe"));
        }

        @PostMapping("/closed-by-the-server")
        String closedByTheServer() {
            // as Axon wraps a failed append
            throw new IllegalStateException("Events could not be appended",
                    new SQLException("EOF", "08006", new EOFException()));
        }

        @PostMapping("/half-written")
        void halfWritten(jakarta.servlet.http.HttpServletResponse response) throws Exception {
            response.getOutputStream().write("[{\"row\":1},".getBytes());
            response.flushBuffer();
            throw new SQLException("canceling statement due to statement timeout", "57014");
        }

        @RequestMapping(path = "/constraint", method = {RequestMethod.GET, RequestMethod.POST})
        String constraint() throws SQLException {
            throw new SQLException("duplicate key value violates unique constraint", "23505");
        }
    }

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Commands())
            .setControllerAdvice(new DatabaseFailures()).build();

    @Test
    void aConnectionBrokenUnderACommandIsA503ToRetryNotA200WithNoBody() throws Exception {
        for (String path : new String[]{"/broken-pipe", "/closed-by-the-server"}) {
            mvc.perform(post(path))
                    .andExpect(status().isServiceUnavailable())
                    .andExpect(header().string("Retry-After", "5"))
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.type").value("https://agreement-ledger.org/problems/database-unavailable"));
        }
    }

    @Test
    void aDatabaseFailureHalfWayThroughAStreamedAnswerIsNotWrittenAfterItAsIfMoreOfIt() {
        assertThatThrownBy(() -> mvc.perform(post("/half-written")))
                .as("left to the container, which cuts the connection short").hasRootCauseInstanceOf(SQLException.class);
    }

    @Test
    void anyOtherDatabaseFailureIsA500ProblemThatTellsACommandToRetryWithItsKeyAndAReadToRetry() throws Exception {
        mvc.perform(post("/constraint"))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.type").value("https://agreement-ledger.org/problems/internal-error"))
                .andExpect(jsonPath("$.detail").value(containsString("Idempotency-Key")));
        mvc.perform(get("/constraint"))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.type").value("https://agreement-ledger.org/problems/internal-error"))
                .andExpect(jsonPath("$.detail").value(not(containsString("Idempotency-Key"))));
    }
}
