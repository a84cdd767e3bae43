package output

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// fixture describes a hand-built plan: no simulation runs in these tests;
// results are made up by fakeSteps so that every number is known.
type fixture struct {
	name       string
	strategies []string // "" for none
	swept      []string
	values     [][]string // values of each swept parameter
	replicates int
	horizon    int
	every      int
	leave      int // step of a Leave event; 0 for none
	// setEvent is the step of a Set event (policy.engagement = 0.2); 0 for
	// none.
	setEvent int
	// plots are the plots the scenario asks for.
	plots []batch.PlotRequest
	// flat makes every metric of every run zero, the degenerate case of
	// nothing happening at all.
	flat bool
}

// plan builds the fixture's plan: strategies × the product of the swept
// values, in the order a scenario's sweep would give.
func (f fixture) plan(t testing.TB) *batch.Plan {
	t.Helper()
	plan := &batch.Plan{
		Scenario:    f.name,
		Description: "Hand-built results for tests of package output.",
		Swept:       f.swept,
		Replicates:  f.replicates,
		BaseSeed:    42,
		Every:       f.every,
		Plots:       f.plots,
	}
	strategies := f.strategies
	if len(strategies) == 0 {
		strategies = []string{""}
	}
	for _, st := range strategies {
		combos := [][]string{{}}
		for _, vals := range f.values {
			var next [][]string
			for _, c := range combos {
				for _, v := range vals {
					next = append(next, append(append([]string{}, c...), v))
				}
			}
			combos = next
		}
		for _, c := range combos {
			p := sim.Default()
			p.Horizon = f.horizon
			if f.leave > 0 {
				p.Events = []sim.Event{{Step: f.leave, Kind: sim.Leave, Who: sim.PersonRef{Org: "parent_ed", Role: sim.Leader}}}
			}
			if f.setEvent > 0 {
				p.Events = append(p.Events, sim.Event{Step: f.setEvent, Kind: sim.Set, Param: "policy.engagement", Value: "0.2"})
			}
			pt := batch.Point{Index: len(plan.Points), Strategy: st}
			switch st {
			case "grantor":
				pt.StrategyDescription = "Top-down: reports only."
				pt.Settings = []batch.Setting{{Name: "policy.funder_model", Value: "grantor-grantee"}}
			case "partner":
				pt.Settings = []batch.Setting{{Name: "policy.funder_model", Value: "partnership"}, {Name: "policy.handoff_share", Value: "0.5"}}
			}
			for _, x := range pt.Settings {
				if err := p.Set(x.Name, x.Value); err != nil {
					t.Fatal(err)
				}
			}
			for i, name := range f.swept {
				if err := p.Set(name, c[i]); err != nil {
					t.Fatal(err)
				}
				pt.Swept = append(pt.Swept, batch.Setting{Name: name, Value: c[i]})
			}
			pt.Params = p
			plan.Points = append(plan.Points, pt)
		}
	}
	plan.Points = batch.WithCounterfactuals(plan.Points)
	// Levers and conditions as a scenario classifies them by default:
	// policy settings are levers; the baseline is the first choice.
	if len(f.strategies) > 0 {
		plan.Baseline.Strategy = f.strategies[0]
	}
	for i, name := range f.swept {
		if strings.HasPrefix(name, "policy.") {
			plan.Levers = append(plan.Levers, name)
			plan.Baseline.Values = append(plan.Baseline.Values, batch.Setting{Name: name, Value: f.values[i][0]})
		} else {
			plan.Conditions = append(plan.Conditions, name)
		}
	}
	return plan
}

// noise returns a reproducible number in [-1, 1) for the given indices.
func noise(a, b, c int) float64 {
	x := uint64(a)*0x9E3779B97F4A7C15 ^ uint64(b)*0xBF58476D1CE4E5B9 ^ uint64(c)*0x94D049BB133111EB
	x ^= x >> 31
	x *= 0xD6E8FEB86659FD93
	x ^= x >> 32
	return float64(x%2000)/1000 - 1
}

// fakeSteps makes up plausible metrics for a run: results hump-shaped in
// the relationship share, trust growing, and partnership strength
// dropping at the Leave event and recovering in a few weeks (never, for
// replicate 1 of odd points).
func fakeSteps(plan *batch.Plan, run batch.Run) []sim.Metrics {
	pt := &plan.Points[run.Point]
	p := &pt.Params
	share := p.Policy.RelationshipShare
	turnover := p.Orgs[p.OrgIndex("parent_ed")].AnnualTurnover[sim.Staff]
	base := 300 * (1 + 4*share - 20*share*share) * (1 - 0.5*turnover)
	if p.Policy.FunderModel == sim.GrantorGrantee {
		base *= 0.9
	}
	leave := leaveStep(p.Events, p.Horizon)
	steps := make([]sim.Metrics, p.Horizon)
	cum := 0.0
	for s := range steps {
		m := &steps[s]
		m.Step = s
		m.Results = base*(1+0.01*float64(s)) + 5*noise(run.Index, s, 1)
		cum += m.Results
		m.CumulativeResults = cum
		m.MeanTrust = 0.4 + 0.01*float64(s) + 0.02*noise(run.Index, s, 2)
		m.CrossOrgTrust = math.Min(1, 0.2+share*float64(s)/4+0.02*noise(run.Index, s, 3)+0.05)
		m.FunderTrust = 0.3 + 0.01*noise(run.Index, s, 4)
		m.Ties = 200 + s + run.Replicate
		m.CrossOrgTies = 20 + s/2
		m.ActivePartnerships = 1 + (s+run.Replicate)%3
		m.PartnershipStrength = 0.5 + 0.01*float64(run.Replicate)
		if leave >= 0 && s >= leave {
			drop := 0.3 - 0.1*float64(s-leave)*(1+float64(run.Replicate))
			if run.Replicate == 1 && run.Point%2 == 1 {
				drop = 0.3
			}
			if drop > 0 {
				m.PartnershipStrength -= drop
			}
			if s == leave && run.Replicate != 0 {
				m.PartnershipResets = 1
			}
		}
		if (s+run.Index)%5 == 0 {
			m.Departures = 1
		}
		m.Vacancies = m.Departures * 2
		m.ArrangementsActive = 1
		if leave >= 0 && s >= leave && run.Replicate != 0 {
			m.ArrangementsActive = 0
		}
		m.MeanAlignment = 0.6 + 0.001*float64(s)
		m.CommunityEngagement = 0.25 + 0.005*float64(s) + 0.01*noise(run.Index, s, 5)
	}
	return steps
}

// fixedBuild is the build information golden files are made with.
func fixedBuild() buildInfo {
	return buildInfo{Version: "v0.0.0-test", Revision: "0123456789abcdef0123456789abcdef01234567", GoVersion: "go1.26.0"}
}

func TestMain(m *testing.M) {
	readBuildInfo = fixedBuild
	root, err := os.MkdirTemp("", "output-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared.root = root
	code := m.Run()
	os.RemoveAll(root)
	os.Exit(code)
}

// shared holds batches written once and read by several tests, because
// drawing the plots is what takes time. Tests must not modify them; use
// copyDir first.
var shared struct {
	sync.Mutex
	root    string
	batches map[string]*sharedDir
}

type sharedDir struct {
	once sync.Once
	dir  string
	ok   bool
}

// sharedBatch returns the output directory of the fixture, writing it on
// first use with 2 workers.
func sharedBatch(t testing.TB, f fixture) string {
	t.Helper()
	shared.Lock()
	if shared.batches == nil {
		shared.batches = map[string]*sharedDir{}
	}
	b, ok := shared.batches[f.name]
	if !ok {
		b = &sharedDir{dir: filepath.Join(shared.root, f.name)}
		shared.batches[f.name] = b
	}
	shared.Unlock()
	b.once.Do(func() {
		writeBatch(t, f, b.dir, 2)
		b.ok = true
	})
	if !b.ok {
		t.Fatalf("shared batch %s failed in an earlier test", f.name)
	}
	return b.dir
}

// copyDir copies the files of a shared batch into a new directory.
func copyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	for _, n := range append(listDir(t, src), MarkerName) {
		from, to := filepath.Join(src, n), filepath.Join(dst, n)
		if st, err := os.Stat(from); err != nil {
			t.Fatal(err)
		} else if st.IsDir() {
			if err := os.MkdirAll(to, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(to, readFile(t, from), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

var testStart = time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)

// writeBatch runs the whole Writer on the fixture's plan into dir and
// returns the plan.
func writeBatch(t testing.TB, f fixture, dir string, workers int) *batch.Plan {
	t.Helper()
	return writeBatchMeta(t, f, dir, fixtureMeta(f, workers), testStart.Add(90*time.Second))
}

// fixtureMeta is the Meta writeBatch gives the fixture's batch.
func fixtureMeta(f fixture, workers int) Meta {
	return Meta{
		ScenarioText: []byte("# scenario " + f.name + "\nname = \"" + f.name + "\"\n"),
		ScenarioFile: "scenarios/" + f.name + ".toml",
		Command:      []string{"trustsim", "run", "scenarios/" + f.name + ".toml", "--workers", strconv.Itoa(workers), "--out", "out dir"},
		Workers:      workers,
		Start:        testStart,
	}
}

// writeBatchMeta is writeBatch with the given Meta and end time.
func writeBatchMeta(t testing.TB, f fixture, dir string, meta Meta, end time.Time) *batch.Plan {
	t.Helper()
	plan := f.plan(t)
	w, err := Create(dir, plan, meta)
	if err != nil {
		t.Fatal(err)
	}
	for i := range plan.NumRuns() {
		r := plan.Run(i)
		steps := fakeSteps(plan, r)
		if f.flat {
			for s := range steps {
				steps[s] = sim.Metrics{Step: s}
			}
		}
		if err := w.Add(batch.Result{Run: r, Steps: steps}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(end); err != nil {
		t.Fatal(err)
	}
	return plan
}

// The fixtures the tests share.
var (
	// sweep2 also asks for plots of metrics the standard plots do not
	// show, and for plots that standard ones already are.
	sweep2 = fixture{
		name:       "sweep2",
		swept:      []string{"policy.relationship_share", "org.parent_ed.annual_turnover.staff"},
		values:     [][]string{{"0", "0.05", "0.1", "0.2"}, {"0.1", "0.3"}},
		replicates: 3, horizon: 24, every: 4, leave: 8,
		plots: []batch.PlotRequest{
			{Kind: "timeseries", Metric: "community_engagement"},
			{Kind: "response", Metric: "departures"},
			{Kind: "heatmap", Metric: "cross_org_trust"},
			{Kind: "event", Metric: "arrangements_active"},
			{Kind: "heatmap", Metric: "cross_org_trust"},     // twice: drawn once
			{Kind: "timeseries", Metric: "results"},          // timeseries_results
			{Kind: "response", Metric: "cumulative_results"}, // response_cumulative_results
			{Kind: "event", Metric: "partnership_strength"},  // leave_partnership_strength
		},
	}
	strategies = fixture{
		name: "strategies", strategies: []string{"grantor", "partner"},
		replicates: 4, horizon: 20, every: 1,
		plots: []batch.PlotRequest{
			{Kind: "strategies", Metric: "funder_trust"},
			{Kind: "strategies", Metric: "cumulative_results"}, // comparison
		},
	}
	single = fixture{name: "single", replicates: 1, horizon: 15, every: 1}
	sweep1 = fixture{
		name: "sweep1", swept: []string{"policy.relationship_share"},
		values:     [][]string{{"0", "0.05", "0.1", "0.15", "0.2", "0.3", "0.4", "0.5", "0.6"}},
		replicates: 1, horizon: 10, every: 3,
	}
	// unsupported asks for plots that its plan cannot draw, as after a
	// --set override of its sweep, and for an event plot aligned on an
	// event that is not a departure.
	unsupported = fixture{
		name: "unsupported", swept: []string{"policy.relationship_share"}, values: [][]string{{"0.05"}},
		replicates: 2, horizon: 12, every: 1, setEvent: 4,
		plots: []batch.PlotRequest{
			{Kind: "response", Metric: "mean_trust"},
			{Kind: "heatmap", Metric: "partnership_resets"},
			{Kind: "strategies", Metric: "mean_trust"},
			{Kind: "event", Metric: "vacancies"},
		},
	}
	sweep3 = fixture{
		name:       "sweep3",
		swept:      []string{"policy.relationship_share", "policy.handoff_share", "policy.funder_model"},
		values:     [][]string{{"0", "0.1"}, {"0", "0.5", "1"}, {"grantor-grantee", "partnership"}},
		replicates: 2, horizon: 8, every: 2, leave: 3,
	}
)

func listDir(t testing.TB, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == filepath.Join(dir, MarkerName) || path == filepath.Join(dir, LockName) {
			return nil // bookkeeping, not an output or a temporary file
		}
		if path != dir {
			rel, _ := filepath.Rel(dir, path)
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// batchResult is run i of plan with fakeSteps' metrics.
func batchResult(plan *batch.Plan, i int) batch.Result {
	r := plan.Run(i)
	return batch.Result{Run: r, Steps: fakeSteps(plan, r)}
}
