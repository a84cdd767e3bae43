package sim_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/trustsim/trustsim/sim"
)

// calibrationRow is one row of the table "The default initiative" in
// docs/MODEL.md (Calibration): the default initiative with one change.
type calibrationRow struct {
	label string
	set   []any // dotted names and values, as set takes them
}

// calibrationRows are the rows of the table, in its order. The default
// row is printed in bold.
var calibrationRows = []calibrationRow{
	{"share 0", []any{"policy.relationship_share", 0}},
	{"share 0.025", []any{"policy.relationship_share", 0.025}},
	{"**share 0.05 (default)**", nil},
	{"share 0.1", []any{"policy.relationship_share", 0.1}},
	{"share 0.2", []any{"policy.relationship_share", 0.2}},
	{"share 0.4", []any{"policy.relationship_share", 0.4}},
	{"default, no turnover", []any{"org.*.annual_turnover", 0}},
	{"default, grantor-grantee", []any{"policy.funder_model", "grantor-grantee"}},
	{"default, handoff κ = 0.5", []any{"policy.handoff_share", 0.5}},
	{"default, no convenings", []any{"convening.interval", 0}},
	{"default, k = 100", []any{"network.maintenance_focus", 100}},
}

// calibrationSeeds is the number of runs per row (seeds 1..n).
const calibrationSeeds = 20

// calibrationHeader is the header of the table, the line by which
// TestCalibrationTable finds it in docs/MODEL.md.
const calibrationHeader = "| Setting | cross | ties_x | active | strength | results | cum | arr | dep/yr |"

// TestCalibrationTable regenerates the table "The default initiative" of
// docs/MODEL.md (Calibration): for each row, the default initiative with
// the row's one change, seeds 1..20, averaged over the runs. With -v it
// prints the rows; it fails when the document's rows differ, so that the
// table always is what the code gives. After a change to the model,
// rewrite the rows with
//
//	go test ./sim -run TestCalibrationTable -update
//
// and explain the new figures in the text below the table. It makes 220
// runs of the 101-person default initiative (warm-up and horizon), about
// 5 s of CPU time; it is skipped in -short and under the race detector,
// which slows it many times over (CI runs it without -race).
func TestCalibrationTable(t *testing.T) {
	if testing.Short() {
		t.Skip("220 runs of the default initiative; skipped in -short")
	}
	if raceEnabled {
		t.Skip("220 runs of the default initiative are slow under the race detector")
	}
	rows := make([]string, len(calibrationRows))
	for k, row := range calibrationRows {
		p := sim.Default()
		set(t, &p, row.set...)
		rows[k] = row.label + " | " + strings.Join(calibrationCells(t, p), " | ") + " |"
		rows[k] = "| " + rows[k]
		t.Log(rows[k])
	}
	path := filepath.Join("..", "docs", "MODEL.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(doc), "\n")
	first := -1
	for k, l := range lines {
		if l == calibrationHeader {
			first = k + 2 // after the header and its rule
		}
	}
	if first < 0 || first > len(lines) {
		t.Fatalf("%s: no line %q", path, calibrationHeader)
	}
	end := first
	for end < len(lines) && strings.HasPrefix(lines[end], "|") {
		end++
	}
	if sim.Updating() {
		out := append(append(append([]string(nil), lines[:first]...), rows...), lines[end:]...)
		if err := os.WriteFile(path, []byte(strings.Join(out, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have := lines[first:end]
	for k := range max(len(rows), len(have)) {
		var got, want string
		if k < len(rows) {
			got = rows[k]
		}
		if k < len(have) {
			want = have[k]
		}
		if got != want {
			t.Errorf("%s:%d: calibration table row differs from the code's:\nthe code gives %s\nthe document has %s\n(rewrite the rows with: go test ./sim -run TestCalibrationTable -update)",
				path, first+k+1, got, want)
		}
	}
}

// calibrationCells runs p for seeds 1..calibrationSeeds and returns the
// table's cells after the label: cross-organization trust, cross ties
// and active partnerships at the horizon; partnership strength and
// results per week, means over the last 52 weeks; cumulative results at
// the horizon; the share of runs with an arrangement in force at the
// horizon (the default initiative has one, priority_access); departures
// per year.
func calibrationCells(t *testing.T, p sim.Params) []string {
	t.Helper()
	runs := make([][]sim.Metrics, calibrationSeeds)
	errs := make([]error, calibrationSeeds)
	var wg sync.WaitGroup
	for k := range runs {
		wg.Go(func() {
			errs[k] = sim.Run(context.Background(), p, uint64(k+1), func(m sim.Metrics) error {
				runs[k] = append(runs[k], m)
				return nil
			})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// mean is f's mean over the runs, in seed order.
	mean := func(f func(ms []sim.Metrics) float64) float64 {
		s := 0.0
		for _, ms := range runs {
			s += f(ms)
		}
		return s / float64(len(runs))
	}
	at := func(f func(sim.Metrics) float64) float64 {
		return mean(func(ms []sim.Metrics) float64 { return f(last(ms)) })
	}
	over52 := func(f func(sim.Metrics) float64) float64 {
		return mean(func(ms []sim.Metrics) float64 { return meanOverLast(ms, 52, f) })
	}
	years := float64(p.Horizon) / 52
	return []string{
		fmt.Sprintf("%.3f", at(func(m sim.Metrics) float64 { return m.CrossOrgTrust })),
		fmt.Sprintf("%.0f", at(func(m sim.Metrics) float64 { return float64(m.CrossOrgTies) })),
		fmt.Sprintf("%.2f", at(func(m sim.Metrics) float64 { return float64(m.ActivePartnerships) })),
		fmt.Sprintf("%.3f", over52(func(m sim.Metrics) float64 { return m.PartnershipStrength })),
		fmt.Sprintf("%.0f", over52(func(m sim.Metrics) float64 { return m.Results })),
		thousands(at(func(m sim.Metrics) float64 { return m.CumulativeResults })),
		fmt.Sprintf("%.2f", at(func(m sim.Metrics) float64 { return float64(min(m.ArrangementsActive, 1)) })),
		fmt.Sprintf("%.1f", mean(func(ms []sim.Metrics) float64 {
			n := 0
			for _, m := range ms {
				n += m.Departures
			}
			return float64(n) / years
		})),
	}
}

// thousands formats x rounded to a whole number with commas between
// groups of three digits: 426472.4 → "426,472".
func thousands(x float64) string {
	s := strconv.FormatFloat(x, 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for k, c := range s {
		if k > 0 && (len(s)-k)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
