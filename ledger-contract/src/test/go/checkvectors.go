// Checks docs/transparency-log-vectors.json with Go's golang.org/x/mod/sumdb/note and sumdb/tlog: the ledger's
// signed tree heads open with its verifier key, and its inclusion and consistency proofs check against them.
// Run by GoToolsCheckTheVectorsTest (GO111MODULE=off, GOPATH=/usr/share/gocode, Debian's golang-golang-x-mod-dev).
package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type vectors struct {
	SignedNote struct {
		VerifierKey string `json:"verifierKey"`
		Note        string `json:"note"`
	} `json:"signedNote"`
	Ledger struct {
		LogVerifierKey string `json:"logVerifierKey"`
		Records        []struct {
			Hash string `json:"hash"`
		} `json:"records"`
		Checkpoints []struct {
			Note string `json:"note"`
		} `json:"checkpoints"`
		InclusionProofs []struct {
			Checkpoint int      `json:"checkpoint"`
			Index      int64    `json:"index"`
			Proof      []string `json:"proof"`
		} `json:"inclusionProofs"`
		ConsistencyProof struct {
			From  int      `json:"from"`
			To    int      `json:"to"`
			Proof []string `json:"proof"`
		} `json:"consistencyProof"`
	} `json:"ledger"`
}

type head struct {
	size int64
	root tlog.Hash
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	check(err)
	var v vectors
	check(json.Unmarshal(data, &v))

	goKey, err := note.NewVerifier(v.SignedNote.VerifierKey)
	check(err)
	_, err = note.Open([]byte(v.SignedNote.Note), note.VerifierList(goKey))
	check(err)
	fmt.Println("opened Go's own example note")

	logKey, err := note.NewVerifier(v.Ledger.LogVerifierKey)
	check(err)
	var heads []head
	for i, c := range v.Ledger.Checkpoints {
		n, err := note.Open([]byte(c.Note), note.VerifierList(logKey))
		check(err)
		lines := strings.Split(n.Text, "\n")
		size, err := strconv.ParseInt(lines[1], 10, 64)
		check(err)
		raw, err := base64.StdEncoding.DecodeString(lines[2])
		check(err)
		var root tlog.Hash
		copy(root[:], raw)
		heads = append(heads, head{size, root})
		fmt.Printf("opened tree head %d: %s, %d leaves, signed by %s\n", i, lines[0], size, n.Sigs[0].Name)
	}
	for _, p := range v.Ledger.InclusionProofs {
		eventHash, err := hex.DecodeString(v.Ledger.Records[p.Index].Hash)
		check(err)
		h := heads[p.Checkpoint]
		check(tlog.CheckRecord(hashes(p.Proof), h.size, h.root, p.Index, tlog.RecordHash(eventHash)))
	}
	fmt.Printf("checked %d inclusion proofs\n", len(v.Ledger.InclusionProofs))
	c := v.Ledger.ConsistencyProof
	from, to := heads[c.From], heads[c.To]
	check(tlog.CheckTree(hashes(c.Proof), to.size, to.root, from.size, from.root))
	fmt.Printf("checked the consistency proof from %d to %d leaves\n", from.size, to.size)
}

func hashes(hexes []string) []tlog.Hash {
	var out []tlog.Hash
	for _, x := range hexes {
		raw, err := hex.DecodeString(x)
		check(err)
		var h tlog.Hash
		copy(h[:], raw)
		out = append(out, h)
	}
	return out
}

func check(err error) {
	if err != nil {
		fmt.Println("FAILED:", err)
		os.Exit(1)
	}
}
