package scenarios

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/trustsim/trustsim/sim"
)

// TestLongUnknownKey: a 1 MB unknown key is reported at once (the "did
// you mean" step used to take 10 s) and shown cut, not in full.
func TestLongUnknownKey(t *testing.T) {
	key := strings.Repeat("a", 1<<20)
	src := []byte("name = \"x\"\n\"" + key + "\" = 1\n")
	start := time.Now()
	_, err := Parse("long.toml", src)
	took := time.Since(start)
	var el ErrorList
	if !errors.As(err, &el) || len(el) != 1 {
		t.Fatalf("Parse = %v, want one error", err)
	}
	msg := el.Error()
	want := `long.toml:2:1: "` + strings.Repeat("a", 60) + `"… (1048576 characters): unknown key or parameter`
	if !strings.HasPrefix(msg, want) || len(msg) > 300 {
		t.Errorf("message = %.400q, want it to start %q and be short", msg, want)
	}
	// Parsing the megabyte itself takes some time (more under -race);
	// the suggestion must add nothing that grows with the key's square.
	p := sim.Default()
	names := p.Names()
	start = time.Now()
	if g := sim.Suggest(key, names); g != "" {
		t.Errorf("Suggest = %q for a megabyte of a", g)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("Suggest took %s for a 1 MB name (Parse: %s)", d, took)
	}
}

// TestQuote: what the user wrote, as messages show it.
func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"policy.x", `"policy.x"`},
		{"café", `"café"`},
		{"a\x1b[31mb", `"a\x1b[31mb"`},
		{"bad\xffutf8", `"bad\xffutf8"`},
		{"tab\there", `"tab\there"`},
		{strings.Repeat("é", 81), `"` + strings.Repeat("é", 60) + `"… (81 characters)`},
		{strings.Repeat("é", 80), `"` + strings.Repeat("é", 80) + `"`},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestErrorEscapesControlCharacters: no part of a message can carry a
// control character to the terminal, whatever a check put in it.
func TestErrorEscapesControlCharacters(t *testing.T) {
	e := &Error{File: "f\x07.toml", Line: 1, Col: 2, Name: "k\x1b[2J", Problem: "bad \x1b[31mred", Allowed: "x\ry"}
	got := e.Error()
	if strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		t.Errorf("Error() = %q holds a control character", got)
	}
	want := `f\a.toml:1:2: "k\x1b[2J": bad \x1b[31mred; x\ry`
	if got != want {
		t.Errorf("Error() = %s, want %s", got, want)
	}
}

// TestByteOrderMark: a UTF-8 byte-order mark is skipped (columns count
// from after it), and the scenario's Source keeps it.
func TestByteOrderMark(t *testing.T) {
	src := []byte("\xef\xbb\xbfname = \"bom\"\nreplicates = 2\n")
	s, err := Parse("bom.toml", src)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "bom" || s.Replicates != 2 || !bytes.Equal(s.Source, src) {
		t.Errorf("Parse = name %q, replicates %d, source %q", s.Name, s.Replicates, s.Source)
	}
}
