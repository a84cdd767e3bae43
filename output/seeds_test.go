package output

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// TestManifestSeedsAreExactStrings checks that seeds, unsigned 64-bit
// integers, go into manifest.json as decimal strings that every JSON
// client reads exactly, and come back exactly, including seeds of 2^63
// and more that a double (JavaScript, R's jsonlite) would round.
func TestManifestSeedsAreExactStrings(t *testing.T) {
	seeds := []uint64{0, 1, 1 << 53, 1<<53 + 1, 1 << 63, 16860738450190168606, 1<<64 - 1}
	m := manifest{BaseSeed: 1<<64 - 1}
	for i, s := range seeds {
		m.Runs = append(m.Runs, manifestRun{Index: i, Seed: s})
	}
	data, err := encodeManifest(&m)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"base_seed": "18446744073709551615"`; !strings.Contains(string(data), want) {
		t.Errorf("manifest.json lacks %s", want)
	}

	// A generic client sees strings, never numbers.
	var generic struct {
		BaseSeed any `json:"base_seed"`
		Runs     []struct {
			Seed any `json:"seed"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &generic); err != nil {
		t.Fatal(err)
	}
	if s, ok := generic.BaseSeed.(string); !ok || s != "18446744073709551615" {
		t.Errorf("base_seed decodes as %#v, want the string \"18446744073709551615\"", generic.BaseSeed)
	}
	for i, r := range generic.Runs {
		s, ok := r.Seed.(string)
		if !ok {
			t.Errorf("runs[%d].seed decodes as %T, want a string", i, r.Seed)
			continue
		}
		if got, err := strconv.ParseUint(s, 10, 64); err != nil || got != seeds[i] {
			t.Errorf("runs[%d].seed = %q, want %d", i, s, seeds[i])
		}
	}

	// trustsim itself reads them back exactly.
	var back manifest
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.BaseSeed != m.BaseSeed {
		t.Errorf("base_seed round-trips to %d, want %d", back.BaseSeed, m.BaseSeed)
	}
	for i := range seeds {
		if back.Runs[i].Seed != seeds[i] {
			t.Errorf("runs[%d].seed round-trips to %d, want %d", i, back.Runs[i].Seed, seeds[i])
		}
	}
}
