package output

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot/vg/draw"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// The effect of scheduled events is measured against the paired
// counterfactual: each point with events has a twin without them
// (batch.Point.Counterfactual) whose replicate r runs on the same seed,
// so the two runs differ only by the events (docs/OUTPUTS.md, "Paired
// design" and "Recovery rule").

// recoveryWindow is the length in weeks of the means that the recovery
// rule compares, and recoveryTolerance how close (relative to the
// counterfactual) a run must stay to count as recovered.
const (
	recoveryWindow    = 4
	recoveryTolerance = 0.1
)

// strengths returns the partnership strength of every step.
func strengths(steps []sim.Metrics) []float64 {
	out := make([]float64, len(steps))
	for i := range steps {
		out[i] = steps[i].PartnershipStrength
	}
	return out
}

// windowMean is the mean of x over the recoveryWindow weeks from t (fewer
// at the end of the run).
func windowMean(x []float64, t int) float64 {
	end := min(t+recoveryWindow, len(x))
	s := 0.0
	for _, v := range x[t:end] {
		s += v
	}
	return s / float64(end-t)
}

// recoveryAgainst returns the recovery time of a run with series x after
// the event at step e, against its paired counterfactual c: the smallest
// d ≥ 0 such that from week e+d to the end of the run every 4-week mean
// of x is within 10% of the same weeks' mean of c. It is -1 when even the
// last weeks are not (the run never recovers within the horizon) or when
// e is not a step of the run.
func recoveryAgainst(x, c []float64, e int) int {
	if e < 0 || e >= len(x) || len(c) != len(x) {
		return -1
	}
	d := -1
	for t := len(x) - 1; t >= e; t-- {
		mx, mc := windowMean(x, t), windowMean(c, t)
		if math.Abs(mx-mc) > recoveryTolerance*math.Abs(mc) {
			break
		}
		d = t - e
	}
	return d
}

// effectsName is the table of the events' effects: per point with
// scheduled events, step and metric, the statistics of the paired
// differences between each run and its counterfactual.
const effectsName = "effects.csv"

// effectMetrics are the metrics whose paired event effect effects.csv
// holds, in its order.
var effectMetrics = []string{"results", "cumulative_results", "partnership_strength", "cross_org_trust", "arrangements_active"}

// effectSlots are the positions of effectMetrics in sim.MetricNames.
func effectSlots() []int {
	names := sim.MetricNames()
	out := make([]int, len(effectMetrics))
	for i, m := range effectMetrics {
		out[i] = slices.Index(names, m)
	}
	return out
}

// effectValues returns the effect metrics of every step of a run, step
// by step.
func effectValues(steps []sim.Metrics, slots []int) []float64 {
	out := make([]float64, 0, len(steps)*len(slots))
	var vals [32]float64
	for i := range steps {
		v := steps[i].Values(vals[:0])
		for _, k := range slots {
			out = append(out, v[k])
		}
	}
	return out
}

// addEffect accumulates the paired differences of a run with events
// (values x) from its counterfactual (c) into acc[step][metric].
func addEffect(acc [][]welford, x, c []float64) {
	k := len(effectMetrics)
	for s := range acc {
		for j := range k {
			acc[s][j].add(x[s*k+j] - c[s*k+j])
		}
	}
}

// writeEffects writes the finished point's rows of effects.csv and keeps
// their statistics for drawing.
func (w *Writer) writeEffects(pt *batch.Point) error {
	d := &w.drawn[pt.Index]
	d.effects = make([][]summary, len(effectMetrics))
	for j := range d.effects {
		d.effects[j] = make([]summary, len(w.effAcc))
	}
	var b []byte
	for step := range w.effAcc {
		for j := range w.effAcc[step] {
			s := w.t.summarize(&w.effAcc[step][j])
			d.effects[j][step] = s
			b = strconv.AppendInt(b, int64(pt.Index), 10)
			b = append(b, ',')
			b = append(b, w.strategyField[pt.Index]...)
			b = append(b, w.sweptFields[pt.Index]...)
			b = strconv.AppendInt(append(b, ','), int64(step), 10)
			b = append(append(b, ','), effectMetrics[j]...)
			b = strconv.AppendInt(append(b, ','), int64(s.N), 10)
			b = appendStat(append(b, ','), s.Mean)
			b = appendStat(append(b, ','), s.SD)
			b = appendStat(append(b, ','), s.Lo)
			b = appendStat(append(b, ','), s.Hi)
			b = endRow(b)
		}
	}
	if err := w.effects.write(b); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}

// hasCounterfactuals reports whether a manifest's plan has paired
// no-events twins, and so an effects.csv.
func (m *manifest) hasCounterfactuals() bool {
	for i := range m.Points {
		if m.Points[i].Counterfactual {
			return true
		}
	}
	return false
}

// readEffects reads effects.csv into the points with events.
func (ds *dataset) readEffects(f io.Reader) error {
	r := csv.NewReader(f)
	r.ReuseRecord = true
	base, err := ds.statsHeader(r)
	if err != nil {
		return err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		point, err := strconv.Atoi(rec[0])
		if err != nil || point < 1 || point >= len(ds.all) || ds.all[point].cf == nil {
			return csvError(csvRecords{r}, 0, "point %q: not a point with a counterfactual", rec[0])
		}
		pd := ds.all[point]
		metric := rec[base+1]
		if !slices.Contains(effectMetrics, metric) {
			return csvError(csvRecords{r}, base+1, "metric %q: not one of %s", metric, strings.Join(effectMetrics, ", "))
		}
		if pd.effects == nil {
			pd.effects = map[string][]summary{}
		}
		s := pd.effects[metric]
		if s == nil {
			s = make([]summary, pd.params.Horizon)
			pd.effects[metric] = s
		}
		step, err := strconv.Atoi(rec[base])
		if err != nil || step < 0 || step >= len(s) {
			return csvError(csvRecords{r}, base, "step %q: not a step of point %d", rec[base], point)
		}
		var st summary
		if st.N, err = strconv.Atoi(rec[base+2]); err != nil || st.N < 1 {
			return csvError(csvRecords{r}, base+2, "n %q: want a positive integer", rec[base+2])
		}
		for i, dst := range []*float64{&st.Mean, &st.SD, &st.Lo, &st.Hi} {
			col := base + 3 + i
			*dst = math.NaN()
			if rec[col] == "" {
				continue
			}
			if *dst, err = strconv.ParseFloat(rec[col], 64); err != nil {
				return csvError(csvRecords{r}, col, "%s: %v", aggregateColumns[col-base], err)
			}
		}
		s[step] = st
	}
	return nil
}

// effectFigure is the name of the plot of the events' effect.
const effectFigure = "effect_partnership_strength"

// eventPoints are the compared points that have a paired counterfactual
// and its effects, with the step their effect is aligned on (eventAlign).
func (v *view) eventPoints() []*pointData {
	var out []*pointData
	for _, pd := range v.ds.points {
		if pd.cf != nil && pd.effects != nil && eventAlign(pd) >= 0 {
			out = append(out, pd)
		}
	}
	return out
}

// effect draws the events' effect on partnership strength: the mean
// paired difference between each run and its counterfactual, with its
// 95% band, from leaveBefore weeks before the first event to the end of
// the run, one line per point. It returns nil when no point has a
// counterfactual.
func (v *view) effect() *figure {
	pts := v.eventPoints()
	if len(pts) == 0 {
		return nil
	}
	shown, note := v.linePoints(pts)
	what := v.eventText(pts, eventAlign, "each point's first scheduled event")
	label := MetricLabel("partnership_strength")
	return &figure{
		name:     effectFigure,
		title:    "Effect of the scheduled event on partnership strength",
		subtitle: fmt.Sprintf("run minus the same run without the event (same seed); mean over %d replicates with 95%% confidence bands (Student t on the paired differences)%s", v.ds.man.Replicates, note),
		caption: fmt.Sprintf("How much weaker (below 0) or stronger partnerships are because %s, against the same initiative without it on the same random futures: 0 means no difference.",
			what),
		body: func(c draw.Canvas) error {
			p := newPlot("weeks since the event", "difference in "+label.Name+" ("+unitShare+")")
			var leg *legendBox
			if len(shown) > 1 {
				leg = newLegendBox(v.legendHeading(0))
			}
			for i, pd := range shown {
				s := pd.effects["partnership_strength"]
				at := eventAlign(pd)
				from := max(at-leaveBefore, 0)
				xs, mean, lo, hi := seriesColumns(s, from, len(s), at)
				line, band, err := addMeanWithBand(p, xs, mean, lo, hi, lineStyle(i), v.bands)
				if err != nil {
					return err
				}
				if leg != nil {
					leg.add(v.valueLabel(pd, 0), lineThumbs(line, band)...)
				}
			}
			if leg != nil {
				p.Draw(leg.splitRight(c))
				return nil
			}
			p.Draw(c)
			return nil
		},
	}
}

// effectSentences say, per point with a counterfactual, what the event
// costs against the same runs without it: the gap in partnership
// strength a year after it (or at the end) and in total results by the
// end, with paired 95% intervals, and how many runs recover.
func (v *view) effectSentences() []string {
	var out []string
	for _, pd := range v.eventPoints() {
		at := eventAlign(pd)
		h := pd.params.Horizon
		later := min(at+52, h-1)
		ps := pd.effects["partnership_strength"][later]
		cum := pd.effects["cumulative_results"][h-1]
		who := "Under " + v.valueLabel(pd, 0) + ", "
		if len(v.ds.points) == 1 || v.valueLabel(pd, 0) == "" {
			who = ""
		}
		word := "the event"
		if pd.leave >= 0 {
			word = "the departure"
		}
		dir := "lower"
		if ps.Mean > 0 {
			dir = "higher"
		}
		s := fmt.Sprintf("%s%d weeks after %s, partnership strength is %s %s than in the same runs without it (difference %s, %s)", who, later-at, word,
			signedShare(math.Abs(ps.Mean)), dir, signedShare(ps.Mean), ciText(ps, signedShare))
		s += "; by the end of the run " + word + " " + costText(cum, pd.cf.cum.Mean)
		if pd.leave >= 0 && len(pd.recoveryRuns) > 0 {
			var rec []float64
			for _, r := range pd.recoveryRuns {
				if r >= 0 {
					rec = append(rec, float64(r))
				}
			}
			s += fmt.Sprintf(". Partnership strength gets back within 10%% of the runs without the departure, and stays there, in %d of %d runs", len(rec), len(pd.recoveryRuns))
			if len(rec) > 0 {
				slices.Sort(rec)
				med := rec[len(rec)/2]
				if len(rec)%2 == 0 {
					med = (rec[len(rec)/2-1] + rec[len(rec)/2]) / 2
				}
				s += fmt.Sprintf(" (median %s weeks after it)", human(med))
			}
		}
		out = append(out, capitalize(s)+".")
	}
	return out
}

// signedShare formats a difference of a 0–1 quantity with a sign.
func signedShare(x float64) string {
	if !isFinite(x) {
		return "–"
	}
	return strings.Replace(strconv.FormatFloat(x, 'f', 3, 64), "-", "−", 1)
}

// ciText is "95% CI lo to hi" in format f, or "no interval with one
// replicate".
func ciText(s summary, f func(float64) string) string {
	if !s.hasCI() {
		return "no interval with one replicate"
	}
	return "95% CI " + f(s.Lo) + " to " + f(s.Hi)
}

// costText says what an event's paired effect g on total results amounts
// to, as a cost: "has cost 1,234 effective service hours (1.5% of what
// the same runs reach without it; 95% CI 800 to 1,700)". cfMean is the
// counterfactual's mean total.
func costText(g summary, cfMean float64) string {
	verb, x, lo, hi := "has cost", -g.Mean, -g.Hi, -g.Lo
	if x < 0 {
		verb, x, lo, hi = "has added", g.Mean, g.Lo, g.Hi
	}
	s := verb + " " + human(x) + " " + unitResults
	var parts []string
	if cfMean != 0 && isFinite(cfMean) {
		parts = append(parts, human(100*x/cfMean)+"% of what the same runs reach without it")
	}
	if g.hasCI() {
		parts = append(parts, "95% CI "+signedPlain(lo)+" to "+signedPlain(hi))
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, "; ") + ")"
	}
	return s
}

// signedPlain formats x with a minus sign when negative only.
func signedPlain(x float64) string {
	if x < 0 {
		return "−" + human(-x)
	}
	return human(x)
}
