package output

import (
	"context"
	"encoding/xml"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// storyPlan is a small batch of two strategies of the seed's story: two
// nonprofits whose leaders' tie carries an arrangement, parent_ed's
// leader leaving at week 20, with no handoff and with a warm one.
func storyPlan(t testing.TB) *batch.Plan {
	t.Helper()
	p := sim.Default()
	p.Orgs = p.Orgs[:0]
	for _, name := range []string{"family_center", "parent_ed"} {
		o := sim.DefaultOrg(name, sim.Nonprofit)
		o.Positions = [sim.NumRoles]int{1, 6, 2, 0}
		o.AnnualTurnover[sim.Leader] = 0
		p.Orgs = append(p.Orgs, o)
	}
	c := sim.DefaultOrg("community", sim.Community)
	c.Positions = [sim.NumRoles]int{0, 0, 0, 12}
	p.Orgs = append(p.Orgs, c)
	p.History = []sim.History{{A: "family_center", B: "parent_ed", LeaderTie: true, Trust: 0.7}}
	p.Arrangement = []sim.Arrangement{{Name: "priority_access",
		A: sim.PersonRef{Org: "family_center", Role: sim.Leader}, B: sim.PersonRef{Org: "parent_ed", Role: sim.Leader},
		Value: 20, Trust: 0.7}}
	p.Events = []sim.Event{{Step: 20, Kind: sim.Leave, Who: sim.PersonRef{Org: "parent_ed", Role: sim.Leader}}}
	p.Policy.RelationshipShare = 0.05
	p.Horizon = 60
	plan := &batch.Plan{Scenario: "story-test", Description: "Two strategies of the seed's story.", Replicates: 2, BaseSeed: 5, Every: 1}
	for k, share := range []float64{0, 0.8} {
		q := p.Clone()
		q.Policy.HandoffShare, q.Policy.HandoffCoverage = share, 1
		if err := q.Validate(); err != nil {
			t.Fatal(err)
		}
		plan.Points = append(plan.Points, batch.Point{Index: k, Strategy: []string{"no handoff", "warm handoff"}[k], Params: q})
	}
	return plan
}

// rowsOf reads a CSV file without its header.
func rowsOf(t *testing.T, path string) [][]string { return readCSV(t, path)[1:] }

// TestNetworkMatchesMetrics writes the network of two runs every 3 weeks
// and checks the tables against the metrics the same runs give without
// recording: at every snapshot step, the number of ties and of
// cross-organization ties, the mean trust, the vacancies and the active
// partnerships; between snapshots, the departures; and one GraphML file
// per run and snapshot, well-formed XML with a node per person present
// and an edge per tie.
func TestNetworkMatchesMetrics(t *testing.T) {
	plan := storyPlan(t)
	dir := t.TempDir()
	runs, every := []int{1, 2}, 3
	if err := WriteNetwork(context.Background(), dir, plan, runs, every); err != nil {
		t.Fatal(err)
	}
	nd := filepath.Join(dir, NetworkName)
	nodes := rowsOf(t, filepath.Join(nd, nodesName))
	edges := rowsOf(t, filepath.Join(nd, edgesName))
	changes := rowsOf(t, filepath.Join(nd, changesName))
	pairs := rowsOf(t, filepath.Join(nd, partnershipsName))
	type key struct{ run, step string }
	type tally struct {
		ties, cross, vacant, active, left, present int
		trust                                      float64
	}
	got := map[key]*tally{}
	at := func(run, step string) *tally {
		k := key{run, step}
		if got[k] == nil {
			got[k] = &tally{}
		}
		return got[k]
	}
	for _, r := range edges {
		tl := at(r[0], r[1])
		tl.ties++
		x, _ := strconv.ParseFloat(r[4], 64)
		tl.trust += x
		if r[5] == "true" {
			tl.cross++
		}
	}
	for _, r := range nodes {
		if r[8] == "false" {
			at(r[0], r[3]).vacant++
		} else {
			at(r[0], r[3]).present++
		}
	}
	for _, r := range pairs {
		if r[5] == "true" {
			at(r[0], r[1]).active++
		}
	}
	for _, r := range changes {
		if r[5] == "departure" {
			at(r[0], r[1]).left++
		}
	}
	for _, ri := range runs {
		run := plan.Run(ri)
		var ms []sim.Metrics
		if err := sim.Run(context.Background(), plan.Points[run.Point].Params, run.Seed, func(m sim.Metrics) error {
			ms = append(ms, m)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		left := 0
		for _, m := range ms {
			if m.Step > 0 {
				left += m.Departures
			}
			if m.Step%every != 0 {
				continue
			}
			tl := at(strconv.Itoa(ri), strconv.Itoa(m.Step))
			if tl.ties != m.Ties || tl.cross != m.CrossOrgTies || tl.vacant != m.Vacancies || tl.active != m.ActivePartnerships {
				t.Errorf("run %d step %d: tables have %d ties, %d cross-organization, %d vacancies, %d active partnerships; metrics %d, %d, %d, %d",
					ri, m.Step, tl.ties, tl.cross, tl.vacant, tl.active, m.Ties, m.CrossOrgTies, m.Vacancies, m.ActivePartnerships)
			}
			if m.Ties > 0 && math.Abs(tl.trust/float64(tl.ties)-m.MeanTrust) > 1e-12 {
				t.Errorf("run %d step %d: mean trust %v in edges.csv, metric %v", ri, m.Step, tl.trust/float64(tl.ties), m.MeanTrust)
			}
			if m.Step > 0 && tl.left != left {
				t.Errorf("run %d step %d: %d departures in changes.csv, metrics %d since the last snapshot", ri, m.Step, tl.left, left)
			}
			left = 0
			name := filepath.Join(nd, graphmlName, "run-"+strconv.Itoa(ri)+"-step-"+pad2(m.Step)+".graphml")
			n, e := countGraphML(t, name)
			if n != tl.present || e != tl.ties {
				t.Errorf("%s: %d nodes, %d edges; want %d people present, %d ties", name, n, e, tl.present, tl.ties)
			}
		}
	}
	entries, _ := os.ReadDir(filepath.Join(nd, graphmlName))
	if want := len(runs) * 20; len(entries) != want {
		t.Errorf("%d GraphML files, want %d", len(entries), want)
	}
}

func pad2(step int) string {
	return strings.Repeat("0", 2-len(strconv.Itoa(step))) + strconv.Itoa(step)
}

// countGraphML parses a GraphML file as XML and counts its nodes and
// edges.
func countGraphML(t *testing.T, path string) (nodes, edges int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var g struct {
		Graph struct {
			Nodes []struct{} `xml:"node"`
			Edges []struct{} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.NewDecoder(f).Decode(&g); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return len(g.Graph.Nodes), len(g.Graph.Edges)
}

// TestGraphMLReadsInNetworkx reads every GraphML file of a run with
// networkx, the library most users load them with, and checks the
// attribute types it reads and the edge counts against edges.csv. It
// needs python3 with networkx (Debian: python3-networkx); it skips
// without them, except in CI, where .ci/run installs them.
func TestGraphMLReadsInNetworkx(t *testing.T) {
	// Debian's python3 first: python3-networkx installs there, and a
	// python3 earlier on PATH (pyenv, a virtual environment) may lack it.
	var py string
	var err error
	for _, cand := range []string{"/usr/bin/python3", "python3"} {
		if py, err = exec.LookPath(cand); err == nil {
			if err = exec.Command(py, "-c", "import networkx").Run(); err == nil {
				break
			}
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 with networkx is missing in CI: %v", err)
		}
		t.Skipf("python3 with networkx not installed (Debian: apt-get install -y python3-networkx): %v", err)
	}
	plan := storyPlan(t)
	dir := t.TempDir()
	if err := WriteNetwork(context.Background(), dir, plan, []int{0}, 10); err != nil {
		t.Fatal(err)
	}
	nd := filepath.Join(dir, NetworkName)
	script := `
import csv, glob, os, sys
import networkx as nx
nd = sys.argv[1]
edges = {}
with open(os.path.join(nd, "edges.csv"), newline="") as f:
    for r in csv.DictReader(f):
        edges[r["step"]] = edges.get(r["step"], 0) + 1
files = sorted(glob.glob(os.path.join(nd, "graphml", "*.graphml")))
assert files, "no GraphML files"
for path in files:
    g = nx.read_graphml(path)
    step = str(int(path.rsplit("-", 1)[1].split(".")[0]))
    assert not g.is_directed(), path
    assert g.number_of_edges() == edges.get(step, 0), (path, g.number_of_edges(), edges.get(step))
    for n, d in g.nodes(data=True):
        assert isinstance(d["generation"], int) and isinstance(d["alignment"], float) and d["role"] in ("leader", "staff", "volunteer", "member"), d
    for a, b, d in g.edges(data=True):
        assert 0 <= d["trust"] <= 1 and isinstance(d["cross_org"], bool), d
print(len(files), "files")
`
	out, err := exec.Command(py, "-c", script, nd).CombinedOutput()
	if err != nil {
		t.Fatalf("networkx: %v\n%s", err, out)
	}
	t.Logf("networkx read %s", strings.TrimSpace(string(out)))
}

// TestWriteNetworkKeepsForeignFolders checks that a network folder
// holding a file trustsim did not write is refused and left as it is.
func TestWriteNetworkKeepsForeignFolders(t *testing.T) {
	dir := t.TempDir()
	own := filepath.Join(dir, NetworkName, "notes.txt")
	if err := os.MkdirAll(filepath.Dir(own), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(own, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteNetwork(context.Background(), dir, storyPlan(t), []int{0}, 5)
	if err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Fatalf("WriteNetwork = %v, want a refusal naming notes.txt", err)
	}
	if b, err := os.ReadFile(own); err != nil || string(b) != "mine" {
		t.Fatalf("notes.txt changed: %q, %v", b, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d entries in the output directory, want only network/", len(entries))
	}
}
