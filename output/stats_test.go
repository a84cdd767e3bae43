package output

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// Student t quantiles t_{0.975, df} in closed form where there is one:
// df = 1 is the Cauchy distribution, t = tan(π(p − ½)); df = 2 has
// t = (2p−1)·√2 / √(1 − (2p−1)²). Others are printed tables' values (NIST/SEMATECH
// e-Handbook, Table 1.3.6.7.2, to 3 decimals).
var (
	t1 = math.Tan(math.Pi * 0.475)
	t2 = 0.95 * math.Sqrt2 / math.Sqrt(1-0.95*0.95)
)

func TestTQuantile(t *testing.T) {
	var tt tTable
	for _, tc := range []struct {
		df        int
		want, tol float64
	}{{1, t1, 1e-9}, {2, t2, 1e-9}, {3, 3.182, 5e-4}, {9, 2.262, 5e-4}, {29, 2.045, 5e-4}, {100, 1.984, 5e-4}} {
		if got := tt.quantile(tc.df); math.Abs(got-tc.want) > tc.tol*tc.want {
			t.Errorf("t_{0.975,%d} = %.15g, want %.15g", tc.df, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name             string
		xs               []float64
		mean, sd, lo, hi float64
	}{
		// mean 7/3; deviations -4/3, -1/3, 5/3; sd² = (16+1+25)/9/2 = 7/3;
		// half-width t_{0.975,2}·sd/√3 = 3.7946.
		{"three values", []float64{1, 2, 4}, 7.0 / 3, math.Sqrt(7.0 / 3), -1.4612497002634273, 6.127916366930094},
		// mean 12, sd √8, half-width t_{0.975,1}·√8/√2 = 2·12.7062.
		{"two values", []float64{10, 14}, 12, math.Sqrt(8), 12 - 2*t1, 12 + 2*t1},
		{"no spread", []float64{3, 3, 3}, 3, 0, 3, 3},
		{"one value", []float64{5}, 5, nan, nan, nan},
		{"none", nil, nan, nan, nan, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var tt tTable
			s := tt.summarizeValues(tc.xs)
			if s.N != len(tc.xs) {
				t.Errorf("n = %d, want %d", s.N, len(tc.xs))
			}
			for _, c := range []struct {
				what      string
				got, want float64
			}{{"mean", s.Mean, tc.mean}, {"sd", s.SD, tc.sd}, {"ci95_low", s.Lo, tc.lo}, {"ci95_high", s.Hi, tc.hi}} {
				if !close(c.got, c.want) {
					t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
				}
			}
		})
	}
}

func close(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-11*math.Max(1, math.Abs(b))
}

// TestAggregateByHand writes a batch of hand-made results and checks
// aggregate.csv against statistics computed by hand.
func TestAggregateByHand(t *testing.T) {
	p := sim.Default()
	p.Horizon = 2
	plan := &batch.Plan{Scenario: "hand", Points: []batch.Point{{Index: 0, Params: p}}, Replicates: 3, BaseSeed: 7, Every: 1}
	// results per replicate at steps 0 and 1.
	results := [][2]float64{{1, 3}, {2, 3}, {4, 3}}
	dir := t.TempDir()
	w, err := Create(dir, plan, Meta{Start: testStart})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		run := plan.Run(i)
		steps := []sim.Metrics{
			{Step: 0, Results: r[0], CumulativeResults: r[0], PartnershipResets: i % 2},
			{Step: 1, Results: r[1], CumulativeResults: r[0] + r[1], PartnershipResets: 1},
		}
		if err := w.Add(batch.Result{Run: run, Steps: steps}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(testStart); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(dir, aggregateName))
	if got, want := len(rows), 1+2*len(sim.MetricNames()); got != want {
		t.Fatalf("aggregate.csv has %d rows, want %d", got, want)
	}
	type key struct {
		step   string
		metric string
	}
	byKey := map[key][]string{}
	for _, r := range rows[1:] {
		byKey[key{r[3], r[4]}] = r[5:]
	}
	nan := math.NaN()
	// results step 0: {1, 2, 4}; step 1: {3, 3, 3}; cumulative_results
	// step 1: {4, 5, 7}, the same spread as step 0 shifted by 3.
	// partnership_resets step 0: {0, 1, 0}: mean 1/3, sd √(1/3).
	tests := []struct {
		key              key
		mean, sd, lo, hi float64
	}{
		// Student's interval from -1.46 is cut at 0: results are never
		// negative.
		{key{"0", "results"}, 7.0 / 3, 1.5275252316519468, 0, 6.127916366930094},
		{key{"1", "results"}, 3, 0, 3, 3},
		{key{"1", "cumulative_results"}, 16.0 / 3, 1.5275252316519468, 1.5387502997365723, 9.127916366930094},
		// half-width t_{0.975,2}·√(1/3)/√3 = t_{0.975,2}/3, cut at 0.
		{key{"0", "partnership_resets"}, 1.0 / 3, math.Sqrt(1.0 / 3), 0, 1.0/3 + t2/3},
		{key{"0", "mean_trust"}, 0, 0, 0, 0},
	}
	for _, tc := range tests {
		r, ok := byKey[tc.key]
		if !ok {
			t.Fatalf("no row for %v", tc.key)
		}
		if r[0] != "3" {
			t.Errorf("%v: n = %s, want 3", tc.key, r[0])
		}
		for i, want := range []float64{tc.mean, tc.sd, tc.lo, tc.hi} {
			got := nan
			if r[1+i] != "" {
				got, _ = strconv.ParseFloat(r[1+i], 64)
			}
			if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("%v: %s = %s, want %v", tc.key, aggregateColumns[3+i], r[1+i], want)
			}
		}
	}
	runs := readCSV(t, filepath.Join(dir, runsName))
	// Replicate 1 has a reset at step 0 and at step 1.
	if got := runs[2][11]; got != "2" {
		t.Errorf("runs.csv partnership_resets of run 1 = %s, want 2", got)
	}
}

func TestOneReplicateLeavesSpreadEmpty(t *testing.T) {
	t.Parallel()
	dir := sharedBatch(t, single)
	rows := readCSV(t, filepath.Join(dir, aggregateName))
	for _, r := range rows[1:] {
		if r[5] != "1" || r[6] == "" || r[7] != "" || r[8] != "" || r[9] != "" {
			t.Fatalf("row %q: want n = 1, a mean and empty sd and interval", r)
		}
	}
}

func readCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestRecoveryAgainst(t *testing.T) {
	flat := func(n int, v float64) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = v
		}
		return x
	}
	c := flat(12, 0.5)
	tests := []struct {
		name string
		x, c []float64
		e    int
		want int
	}{
		{"no effect", flat(12, 0.5), c, 2, 0},
		{"within 10% throughout", flat(12, 0.46), c, 2, 0},
		{"drop, back at week 6", []float64{0.5, 0.5, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5}, c, 2, 6},
		{"never back", []float64{0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.4}, c, 2, -1},
		{"back, then lost again", []float64{0.5, 0.5, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0}, c, 2, -1},
		{"both decay alike", []float64{0.5, 0.4, 0.3, 0.2, 0.1, 0, 0, 0}, []float64{0.5, 0.4, 0.3, 0.2, 0.1, 0, 0, 0}, 1, 0},
		{"event outside the run", flat(12, 0.5), c, 12, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := recoveryAgainst(tc.x, tc.c, tc.e); got != tc.want {
				t.Errorf("recoveryAgainst = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestLeaveStep(t *testing.T) {
	leave := func(step int) sim.Event { return sim.Event{Step: step, Kind: sim.Leave} }
	tests := []struct {
		name   string
		events []sim.Event
		want   int
	}{
		{"none", nil, -1},
		{"not a departure", []sim.Event{{Step: 3, Kind: sim.Exit}}, -1},
		{"one", []sim.Event{leave(4)}, 4},
		{"earliest", []sim.Event{leave(7), {Step: 2, Kind: sim.Join}, leave(5)}, 5},
		{"step 0 has no level before it", []sim.Event{leave(0)}, -1},
		{"beyond the horizon", []sim.Event{leave(10)}, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := leaveStep(tc.events, 10); got != tc.want {
				t.Errorf("leaveStep = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestKeepStep(t *testing.T) {
	tests := []struct {
		n, every int
		want     []int
	}{
		{5, 1, []int{0, 1, 2, 3, 4}},
		{5, 0, []int{0, 1, 2, 3, 4}},
		{10, 4, []int{0, 4, 8, 9}},
		{9, 4, []int{0, 4, 8}},
		{3, 10, []int{0, 2}},
	}
	for _, tc := range tests {
		var got []int
		for s := range tc.n {
			if keepStep(s, tc.n, tc.every) {
				got = append(got, s)
			}
		}
		if !equalInts(got, tc.want) {
			t.Errorf("n=%d every=%d: kept %v, want %v", tc.n, tc.every, got, tc.want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSummaryColumns(t *testing.T) {
	t.Parallel()
	dir := sharedBatch(t, sweep2)
	plan := sweep2.plan(t)
	rows := readCSV(t, filepath.Join(dir, runsName))
	if len(rows) != 1+plan.NumRuns() {
		t.Fatalf("runs.csv has %d rows, want %d", len(rows), 1+plan.NumRuns())
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, r := range rows[1:] {
		run := plan.Run(i)
		steps := fakeSteps(plan, run)
		last := steps[len(steps)-1]
		if got := r[col["cumulative_results"]]; got != string(appendFloat(nil, last.CumulativeResults)) {
			t.Errorf("run %d: cumulative_results %s, want %v", i, got, last.CumulativeResults)
		}
		if got := r[col["seed"]]; got != strconv.FormatUint(run.Seed, 10) {
			t.Errorf("run %d: seed %s, want %d", i, got, run.Seed)
		}
		pt := &plan.Points[run.Point]
		if pt.Counterfactual {
			// The paired no-events twin: the seed of the next point's
			// replicate, no departure, nothing to recover from.
			next := plan.Run(i + plan.Replicates)
			if r[col["events"]] != "none" || next.Seed != run.Seed || next.Replicate != run.Replicate {
				t.Errorf("run %d: counterfactual with events %q, seed %d; its event run %d has seed %d", i, r[col["events"]], run.Seed, next.Index, next.Seed)
			}
			if r[col["leave_step"]] != "" || r[col["recovery_weeks"]] != "" {
				t.Errorf("run %d: counterfactual with leave_step %q, recovery_weeks %q; want both empty", i, r[col["leave_step"]], r[col["recovery_weeks"]])
			}
			continue
		}
		if got := r[col["leave_step"]]; got != "8" || r[col["events"]] != "scheduled" {
			t.Errorf("run %d: leave_step %q, events %q, want 8, scheduled", i, got, r[col["events"]])
		}
		// Recovery is measured against the same replicate of the twin,
		// the point before.
		twin := plan.Run(i - plan.Replicates)
		want := ""
		if d := recoveryAgainst(strengths(steps), strengths(fakeSteps(plan, twin)), 8); d >= 0 {
			want = strconv.Itoa(d)
		}
		// fakeSteps: replicate 1 of odd points (all points with events)
		// never recovers; the others do.
		if (run.Replicate == 1) != (want == "") {
			t.Errorf("run %d (replicate %d): recovery %q; want none exactly for replicate 1", i, run.Replicate, want)
		}
		if got := r[col["recovery_weeks"]]; got != want {
			t.Errorf("run %d (point %d, replicate %d): recovery_weeks %q, want %q", i, run.Point, run.Replicate, got, want)
		}
		if got := r[col["org.parent_ed.annual_turnover.staff"]]; got != plan.Points[run.Point].Swept[1].Value {
			t.Errorf("run %d: swept column %q, want %q", i, got, plan.Points[run.Point].Swept[1].Value)
		}
	}
}

func TestFloatsRoundTrip(t *testing.T) {
	for _, x := range []float64{0, 1.0 / 3, math.Pi * 1e10, 5e-324, math.MaxFloat64, -2.5} {
		s := string(appendFloat(nil, x))
		y, err := strconv.ParseFloat(s, 64)
		if err != nil || y != x {
			t.Errorf("appendFloat(%v) = %q reads back as %v", x, s, y)
		}
	}
}

// TestBoundedInterval checks the interval cut to a metric's support
// against R's t.test (R 4, conf.int printed to 10 digits), cut by hand.
func TestBoundedInterval(t *testing.T) {
	tests := []struct {
		name   string
		xs     []float64
		sup    support
		lo, hi float64
	}{
		// t.test(c(0, 0, 1)): -1.100884243 1.767550910; a count.
		{"count", []float64{0, 0, 1}, nonNegative, 0, 1.767550910},
		// t.test(c(0.9, 1, 1, 0.95)): 0.886325991 1.038674009; a share.
		{"share", []float64{0.9, 1, 1, 0.95}, unitRange, 0.886325991, 1},
		// Inside the support the interval is Student's.
		{"inside", []float64{0.2, 0.3, 0.4}, unitRange, 0.3 - 0.1*t2/math.Sqrt(3), 0.3 + 0.1*t2/math.Sqrt(3)},
		{"all zero", []float64{0, 0, 0}, nonNegative, 0, 0},
	}
	for _, tc := range tests {
		var tt tTable
		s := tt.summarizeValuesIn(tc.xs, tc.sup)
		if math.Abs(s.Lo-tc.lo) > 1e-9 || math.Abs(s.Hi-tc.hi) > 1e-9 {
			t.Errorf("%s: [%.10f, %.10f], want [%.10f, %.10f]", tc.name, s.Lo, s.Hi, tc.lo, tc.hi)
		}
		if s.Lo < tc.sup.lo || s.Hi > tc.sup.hi || s.Mean < s.Lo || s.Mean > s.Hi {
			t.Errorf("%s: mean %v, interval [%v, %v] outside the support or not around the mean", tc.name, s.Mean, s.Lo, s.Hi)
		}
	}
	var tt tTable
	if s := tt.summarizeValuesIn([]float64{4}, nonNegative); !math.IsNaN(s.Lo) || !math.IsNaN(s.Hi) {
		t.Errorf("one value: interval [%v, %v], want none", s.Lo, s.Hi)
	}
}

// TestWilson checks the Wilson score interval against Newcombe (1998),
// Statistics in Medicine 17:857-872, Table I, method 3 (to 4 decimals).
func TestWilson(t *testing.T) {
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 29, 0.0061, 0.1718},
	}
	for _, tc := range tests {
		lo, hi := wilson(tc.k, tc.n)
		if math.Abs(lo-tc.lo) > 5e-5 || math.Abs(hi-tc.hi) > 5e-5 {
			t.Errorf("wilson(%d, %d) = [%.5f, %.5f], want [%.4f, %.4f]", tc.k, tc.n, lo, hi, tc.lo, tc.hi)
		}
	}
	if lo, hi := wilson(10, 10); lo <= 0.5 || hi != 1 {
		t.Errorf("wilson(10, 10) = [%v, %v], want [0.72…, 1]", lo, hi)
	}
	if lo, hi := wilson(0, 0); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("wilson(0, 0) = [%v, %v], want NaN", lo, hi)
	}
}
