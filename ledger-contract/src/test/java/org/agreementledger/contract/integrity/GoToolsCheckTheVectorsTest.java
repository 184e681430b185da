package org.agreementledger.contract.integrity;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The formats are the standard ones, checked by the standard tools: Go's {@code golang.org/x/mod/sumdb/note} opens
 * the ledger's signed tree heads with its verifier key, and {@code sumdb/tlog} checks its inclusion and consistency
 * proofs (src/test/go/checkvectors.go over docs/transparency-log-vectors.json). Needs Go and Debian's
 * golang-golang-x-mod-dev, which .ci/run installs; skipped where they are missing.
 */
class GoToolsCheckTheVectorsTest {

    private static final Path GOPATH = Path.of("/usr/share/gocode");

    @Test
    void goSumdbNoteAndTlogAcceptTheLedgersTreeHeadsAndProofs() throws IOException, InterruptedException {
        assumeTrue(Files.isDirectory(GOPATH.resolve("src/golang.org/x/mod/sumdb/tlog")), "golang-golang-x-mod-dev is not installed");
        Path cache = Files.createTempDirectory("go-cache");
        ProcessBuilder go = new ProcessBuilder("go", "run", Path.of("src/test/go/checkvectors.go").toAbsolutePath().toString(),
                Path.of("..", "docs", "transparency-log-vectors.json").toAbsolutePath().toString())
                .redirectErrorStream(true);
        go.environment().put("GO111MODULE", "off");
        go.environment().put("GOPATH", GOPATH.toString());
        go.environment().put("GOCACHE", cache.toString());
        go.environment().put("GOFLAGS", "");
        Process run;
        try {
            run = go.start();
        } catch (IOException e) {
            assumeTrue(false, "go is not on the PATH");
            return;
        }
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).contains("opened tree head 1").contains("checked 7 inclusion proofs")
                .contains("checked the consistency proof from 2 to 5 leaves");
    }
}
