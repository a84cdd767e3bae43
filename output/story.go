package output

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// StoryName is the file name of the story of a batch, beside report.html.
const StoryName = "story.html"

// Limits of a story: StoryMaxPeople people per run, at most StoryMaxLanes
// runs side by side (the plan's design points, or its first and last
// when it has more). Beyond StoryMaxPeople a story would be several
// megabytes per run and too dense to read; the network tables
// (WriteNetwork) have no such limit.
const (
	StoryMaxPeople = 1000
	StoryMaxLanes  = 6
)

//go:embed story/story.js
var storyJS string

//go:embed story/story.css
var storyCSS string

// StoryPoints are the design points a story of plan shows by default,
// leaving out the paired no-events counterfactuals (batch.Point's
// Counterfactual) and the points whose organizations or positions differ
// from the first one's (a swept community size, say), which cannot be
// drawn beside it: all of them up to StoryMaxLanes, else the first and
// the last.
func StoryPoints(plan *batch.Plan) []int {
	var pts []int
	for i := range plan.Points {
		pt := &plan.Points[i]
		if pt.Counterfactual || (len(pts) > 0 && !sameOrgs(&pt.Params, &plan.Points[pts[0]].Params)) {
			continue
		}
		pts = append(pts, i)
	}
	return storyLanes(pts)
}

// storyLanes keeps all of pts up to StoryMaxLanes, else the first and
// the last.
func storyLanes(pts []int) []int {
	if len(pts) <= StoryMaxLanes {
		return pts
	}
	return []int{pts[0], pts[len(pts)-1]}
}

// StoryFits reports whether a story can show runs of p: at most
// StoryMaxPeople people.
func StoryFits(p *sim.Params) bool { return p.People() <= StoryMaxPeople }

// HasStory reports whether a batch of plan gets a story.html beside its
// report (trustsim run and trustsim merge write it, and the report links
// to it): whether the design points of StoryPoints fit a story and have
// the same organizations, so that they can be drawn side by side.
func HasStory(plan *batch.Plan) bool {
	var ps []*sim.Params
	for _, i := range StoryPoints(plan) {
		ps = append(ps, &plan.Points[i].Params)
	}
	return storyDrawable(ps)
}

// storyDrawable reports whether the parameters of the design points a
// story shows fit a story and have the same organizations.
func storyDrawable(ps []*sim.Params) bool {
	if len(ps) == 0 {
		return false
	}
	for _, p := range ps {
		if !StoryFits(p) || !sameOrgs(p, ps[0]) {
			return false
		}
	}
	return true
}

// Story is one replicate of some design points of a batch, recorded
// every week, as story.html shows it.
type Story struct {
	data storyData
}

// storyData is the JSON that story.js reads (see story/story.js for how
// each field is drawn). Trust and strength are stored as integers to keep
// the file small: trust in hundredths, strength in thousandths.
type storyData struct {
	Scenario     string      `json:"scenario"`
	Description  string      `json:"description"`
	Horizon      int         `json:"horizon"`
	Replicate    int         `json:"replicate"`
	Orgs         []storyOrg  `json:"orgs"`
	Roles        []string    `json:"roles"`
	Role         []int       `json:"role"` // per slot
	Arrangements []storyArr  `json:"arrangements"`
	Metrics      []string    `json:"metrics"`
	Lanes        []storyLane `json:"lanes"`
}

type storyOrg struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	First int    `json:"first"`
	End   int    `json:"end"`
}

type storyArr struct {
	Name string `json:"name"`
	A    int    `json:"a"`
	B    int    `json:"b"`
}

type storyLane struct {
	Label       string `json:"label"`
	Description string `json:"description"`
	Seed        string `json:"seed"` // decimal: a uint64 does not fit a JavaScript number
	// Events are the point's scheduled events (they may differ between
	// points), in plain words.
	Events []storyEvent `json:"events"`
	// Pairs are the organization pairs that ever had a tie, in the
	// order of their first tie; P of a frame indexes them.
	Pairs [][2]int `json:"pairs"`
	// Ties are the ends of every tie id, a0, b0, a1, b1, ...: a tie that
	// is dropped and formed again between the same people keeps its id.
	Ties   []int        `json:"ties"`
	Frames []storyFrame `json:"frames"`
}

type storyEvent struct {
	Step int    `json:"step"`
	Text string `json:"text"`
}

// storyFrame is one week.
type storyFrame struct {
	// T holds id·128 + trust in hundredths for every tie, in key frames
	// (every storyKeyWeeks weeks from week 0); in the other weeks it is
	// absent and D holds the changes since the week before: id·128 +
	// trust for a tie that formed or whose trust in hundredths changed,
	// id·128 + 127 for a tie that ended. About a third of the ties change
	// in a week, so this keeps the file about a third of the size.
	T []int `json:"t,omitempty"`
	D []int `json:"d,omitempty"`
	// P holds the strength in thousandths of each pair of Pairs so far.
	P []int `json:"p"`
	// V are the vacant slots; O the organizations outside the initiative.
	V []int `json:"v"`
	O []int `json:"o,omitempty"`
	// C are the changes since the week before: slot, 1 for an arrival or
	// 0 for a departure, generation; in threes.
	C []int `json:"c,omitempty"`
	// A holds 1 for each arrangement in force, else 0.
	A []int `json:"a"`
	// M are the week's metrics in storyMetrics order.
	M []float64 `json:"m"`
	// N names in plain words what happened this week, if anything worth
	// a caption.
	N []string `json:"n,omitempty"`
}

// storyKeyWeeks is the interval of the key frames, which list every tie;
// the weeks between list the changes (storyFrame.D), so that drawing any
// week replays at most storyKeyWeeks−1 weeks of changes.
const storyKeyWeeks = 26

// storyMetrics are the metrics a story's timeline and panels show.
var storyMetrics = []string{"results", "cumulative_results", "mean_trust", "partnership_strength", "vacancies", "departures", "arrangements_active"}

func storyValues(m *sim.Metrics) []float64 {
	r := func(x float64, d float64) float64 { return math.Round(x*d) / d }
	return []float64{r(m.Results, 100), r(m.CumulativeResults, 10), r(m.MeanTrust, 1000), r(m.PartnershipStrength, 1000),
		float64(m.Vacancies), float64(m.Departures), float64(m.ArrangementsActive)}
}

// RecordStory runs replicate rep of the given design points of plan,
// recording every week of each, concurrently on up to workers
// goroutines. Each run has the seed the batch gives it, so its metrics
// are those of the batch's run, and the points share the random streams
// a paired batch gives one replicate.
func RecordStory(ctx context.Context, plan *batch.Plan, points []int, rep, workers int) (*Story, error) {
	if len(points) == 0 {
		return nil, fmt.Errorf("story: no design points")
	}
	if rep < 0 || rep >= plan.Replicates {
		return nil, fmt.Errorf("story: replicate %d outside 0–%d", rep, plan.Replicates-1)
	}
	p0 := &plan.Points[points[0]].Params
	for _, pt := range points {
		if pt < 0 || pt >= len(plan.Points) {
			return nil, fmt.Errorf("story: design point %d outside 0–%d", pt, len(plan.Points)-1)
		}
		p := &plan.Points[pt].Params
		if !StoryFits(p) {
			return nil, fmt.Errorf("story: %s has %d people; a story shows at most %d", plan.Scenario, p.People(), StoryMaxPeople)
		}
		if !sameOrgs(p, p0) {
			return nil, fmt.Errorf("story: design points %d and %d have different organizations or positions, so they cannot be drawn side by side", points[0], pt)
		}
	}
	d := storyData{Scenario: plan.Scenario, Description: plan.Description, Horizon: p0.Horizon, Replicate: rep,
		Roles: sim.RoleNames(), Metrics: storyMetrics}
	slot := 0
	for _, o := range p0.Orgs {
		d.Orgs = append(d.Orgs, storyOrg{Name: o.Name, Kind: o.Kind.String(), First: slot, End: slot + o.Headcount()})
		for r := sim.Role(0); r < sim.NumRoles; r++ {
			for range o.Positions[r] {
				d.Role = append(d.Role, int(r))
			}
		}
		slot += o.Headcount()
	}
	m0, err := sim.New(*p0, 0)
	if err != nil {
		return nil, err
	}
	for _, a := range p0.Arrangement {
		sa, errA := m0.PersonAt(a.A)
		sb, errB := m0.PersonAt(a.B)
		if errA != nil || errB != nil {
			return nil, fmt.Errorf("story: arrangement %s: no such position", a.Name)
		}
		d.Arrangements = append(d.Arrangements, storyArr{Name: a.Name, A: sa, B: sb})
	}
	d.Lanes = make([]storyLane, len(points))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, workers))
	for k, pt := range points {
		g.Go(func() error {
			run := plan.Run(pt*plan.Replicates + rep)
			lane, err := recordLane(ctx, &plan.Points[pt], run.Seed, &d)
			if err != nil {
				return err
			}
			d.Lanes[k] = *lane
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return &Story{data: d}, nil
}

// sameOrgs reports whether a and b have the same organizations and
// positions, so that their slots are the same people's places.
func sameOrgs(a, b *sim.Params) bool {
	if len(a.Orgs) != len(b.Orgs) {
		return false
	}
	for i := range a.Orgs {
		if a.Orgs[i].Name != b.Orgs[i].Name || a.Orgs[i].Kind != b.Orgs[i].Kind || a.Orgs[i].Positions != b.Orgs[i].Positions {
			return false
		}
	}
	return true
}

// recordLane runs one point with seed and records every week.
func recordLane(ctx context.Context, pt *batch.Point, seed uint64, d *storyData) (*storyLane, error) {
	p := &pt.Params
	// Empty lists rather than nil ones, so that the JSON has [] for
	// story.js to iterate, never null.
	lane := &storyLane{Label: pt.Label(), Description: pt.StrategyDescription, Seed: strconv.FormatUint(seed, 10),
		Events: []storyEvent{}, Pairs: [][2]int{}, Ties: []int{}}
	for i := range p.Events {
		lane.Events = append(lane.Events, storyEvent{Step: p.Events[i].Step, Text: eventWords(&p.Events[i])})
	}
	tieID := map[[2]int]int{}
	trust := map[int]int{} // tie id → trust in hundredths, last week
	seen := map[int]bool{} // tie ids of this week
	var order []int        // tie ids of last week, in snapshot order
	var prev, cur sim.Snapshot
	var changes []sim.Change
	first := true
	record := func(met sim.Metrics, m *sim.Model) error {
		prev, cur = cur, prev
		m.Snapshot(&cur)
		f := storyFrame{M: storyValues(&met), P: []int{}, V: []int{}, A: []int{}}
		key := met.Step%storyKeyWeeks == 0 || first
		if key {
			f.T = []int{}
		}
		clear(seen)
		for _, t := range cur.Ties {
			id, ok := tieID[[2]int{t.A, t.B}]
			if !ok {
				id = len(tieID)
				tieID[[2]int{t.A, t.B}] = id
				lane.Ties = append(lane.Ties, t.A, t.B)
			}
			q := int(math.Round(t.Trust * 100))
			seen[id] = true
			if key {
				f.T = append(f.T, id*128+q)
			} else if old, ok := trust[id]; !ok || old != q {
				f.D = append(f.D, id*128+q)
			}
			trust[id] = q
		}
		// The ties that ended, in the order of the week before.
		live := order[:0]
		for _, id := range order {
			if !seen[id] {
				delete(trust, id)
				if !key {
					f.D = append(f.D, id*128+127)
				}
			}
		}
		for _, t := range cur.Ties {
			live = append(live, tieID[[2]int{t.A, t.B}])
		}
		order = live
		for len(lane.Pairs) < len(cur.Partnerships) {
			pr := cur.Partnerships[len(lane.Pairs)]
			lane.Pairs = append(lane.Pairs, [2]int{pr.A, pr.B})
		}
		for _, pr := range cur.Partnerships {
			f.P = append(f.P, int(math.Round(pr.Strength*1000)))
		}
		for _, pe := range cur.People {
			if !pe.Present && pe.InInitiative {
				f.V = append(f.V, pe.Slot)
			}
		}
		for oi, o := range d.Orgs {
			if o.End > o.First && !cur.People[o.First].InInitiative {
				f.O = append(f.O, oi)
			}
		}
		for _, a := range cur.Arrangements {
			f.A = append(f.A, b2i(a))
		}
		if !first {
			changes = sim.Changes(changes[:0], &prev, &cur)
			for _, c := range changes {
				f.C = append(f.C, c.Slot, b2i(c.Arrival), c.Generation)
			}
			f.N = captions(d, lane, &prev, &cur, changes)
		}
		for _, e := range lane.Events {
			if e.Step == met.Step {
				f.N = append([]string{"Scheduled: " + e.Text + "."}, f.N...)
			}
		}
		first = false
		lane.Frames = append(lane.Frames, f)
		return nil
	}
	if err := sim.RunWith(ctx, *p, seed, sim.Options{Record: record}, nil); err != nil {
		return nil, err
	}
	return lane, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// captions name in plain words what happened between two weeks: leaders
// leaving and arriving, partnerships that stopped or started being
// active, arrangements that ended or started, and how many other people
// left or arrived.
func captions(d *storyData, lane *storyLane, prev, cur *sim.Snapshot, changes []sim.Change) []string {
	var out []string
	left, arrived := 0, 0
	for _, c := range changes {
		role := sim.Role(d.Role[c.Slot])
		if role != sim.Leader {
			if c.Arrival {
				arrived++
			} else {
				left++
			}
			continue
		}
		org := d.Orgs[cur.People[c.Slot].Org].Name
		if c.Arrival {
			handed := 0
			for _, t := range cur.Ties {
				if t.A == c.Slot || t.B == c.Slot {
					handed++
				}
			}
			s := "A new leader of " + org + " starts"
			if handed > 0 {
				s += fmt.Sprintf(" with %d ties handed over", handed)
			} else {
				s += " with no ties"
			}
			out = append(out, s+".")
		} else {
			out = append(out, "The leader of "+org+" leaves; the position is vacant.")
		}
	}
	switch {
	case left > 0 && arrived > 0:
		out = append(out, fmt.Sprintf("%s and %s.", people(left, "leaves", "leave"), people(arrived, "arrives", "arrive")))
	case left > 0:
		out = append(out, people(left, "Another person leaves", "leave")+".")
	case arrived > 0:
		out = append(out, people(arrived, "A new person arrives", "arrive")+".")
	}
	for k := range cur.Partnerships {
		pc := &cur.Partnerships[k]
		was := k < len(prev.Partnerships) && prev.Partnerships[k].Active
		a, b := d.Orgs[pc.A].Name, d.Orgs[pc.B].Name
		switch {
		case was && !pc.Active:
			out = append(out, fmt.Sprintf("The partnership of %s and %s is no longer active (strength %.2f).", a, b, pc.Strength))
		case !was && pc.Active:
			out = append(out, fmt.Sprintf("The partnership of %s and %s becomes active (strength %.2f).", a, b, pc.Strength))
		}
	}
	for k, on := range cur.Arrangements {
		was := k < len(prev.Arrangements) && prev.Arrangements[k]
		switch {
		case was && !on:
			out = append(out, "The arrangement "+d.Arrangements[k].Name+" is no longer in force.")
		case !was && on:
			out = append(out, "The arrangement "+d.Arrangements[k].Name+" is in force again.")
		}
	}
	return out
}

// people says that n people (other than leaders) did something: one
// (whole sentence start, or verb after "1 person") or n.
func people(n int, one, many string) string {
	switch {
	case n == 1 && strings.Contains(one, " "):
		return one
	case n == 1:
		return "1 person " + one
	}
	return strconv.Itoa(n) + " people " + many
}

// HTML renders the story as one self-contained page: the data as JSON,
// the script and the styles inline, no external resources.
func (s *Story) HTML() ([]byte, error) {
	js, err := json.Marshal(&s.data) // escapes <, > and &, so the JSON cannot end the script element
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = storyTemplate.Execute(&buf, struct {
		Scenario string
		Data     template.JS
		Script   template.JS
		Style    template.CSS
	}{s.data.Scenario, template.JS(js), template.JS(storyJS), template.CSS(storyCSS)}) // #nosec: JSON from encoding/json and the package's own script and styles
	if err != nil {
		return nil, fmt.Errorf("story: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteStory writes the story's page to dir/story.html, atomically: the
// page appears whole or not at all.
func (s *Story) WriteStory(dir string) (string, error) {
	page, err := s.HTML()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, StoryName)
	if err := writeAtomic(path, page); err != nil {
		return "", err
	}
	return path, recordPublished(dir, []string{StoryName})
}

// writeAtomic writes data to path through a temporary file in the same
// directory renamed over it.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

var storyTemplate = template.Must(template.New("story").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Scenario}}: the story of one run</title>
<style>{{.Style}}</style>
</head>
<body>
<main>
<header>
<h1 id="title"></h1>
<p id="lead" class="lead"></p>
</header>
<div class="controls" role="toolbar" aria-label="Animation controls">
<button id="back" type="button" title="One week back (left arrow)">&#9664;&#9664; Back</button>
<button id="play" type="button" title="Play or pause (space)">&#9654; Play</button>
<button id="step" type="button" title="One week forward (right arrow)">Step &#9654;&#9654;</button>
<label>Week <input id="scrub" type="range" min="0" value="0" step="1" aria-label="Week"></label>
<output id="week" for="scrub">0</output>
<label>Speed <select id="speed"><option value="4">4 weeks/s</option><option value="10" selected>10 weeks/s</option><option value="25">25 weeks/s</option></select></label>
<span id="pick"><label>Left <select id="left"></select></label> <label>Right <select id="right"></select></label></span>
</div>
<p id="caption" class="caption" aria-live="polite"></p>
<div class="lanes">
<figure class="lane"><figcaption id="label0"></figcaption><canvas id="lane0" width="600" height="470"></canvas><div id="stats0" class="stats"></div></figure>
<figure class="lane"><figcaption id="label1"></figcaption><canvas id="lane1" width="600" height="470"></canvas><div id="stats1" class="stats"></div></figure>
</div>
<canvas id="timeline" width="1220" height="150" aria-label="Weekly results of the two runs, with the scheduled events; click to jump to a week"></canvas>
<div id="legend" class="legend"></div>
<p class="note">Each circle is an organization and each dot a person, coloured by role; a hollow dot is a vacant position, a dot with a black ring a successor in their first half year, a red cross someone who left in the last four weeks. Lines are ties, darker for more trust (blue between organizations, grey between colleagues). The orange band between two organizations is their partnership strength. <span id="seeds"></span> Keys: space plays or pauses, the arrows step.</p>
<pre id="state" hidden></pre>
</main>
<script>const DATA = {{.Data}};</script>
<script>{{.Script}}</script>
</body>
</html>
`))
