package output

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The answer to a scenario's question (docs/OUTPUTS.md, "report.html"):
// under each condition, the lever choice with the highest mean total
// results and its paired gain over the baseline. Replicate r of every
// point runs on the same seed (docs/OUTPUTS.md, "Paired design"), so a
// gain is the mean over replicates of the paired differences, with a
// Student-t 95% interval of that mean.

// choice is one lever choice under one condition: a point of the dataset.
type choice struct {
	pd *pointData
	// words names the choice in plain words ("working time for
	// relationship building 10%", a strategy's name, or both).
	words string
	// gain summarizes the paired differences from the baseline under the
	// same condition (N = 0 for the baseline itself or when the
	// condition has no baseline point).
	gain summary
}

// conditionAnswer is the answer under one condition.
type conditionAnswer struct {
	// words names the condition in plain words; "" when nothing but
	// levers is swept.
	words   string
	choices []*choice // in point order
	base    *choice   // the status quo, or nil
	// best has the highest mean total results; second the next (nil with
	// one choice), and bestOverSecond the paired differences best −
	// second.
	best, second   *choice
	bestOverSecond summary
}

// regretRow is a lever choice's worst shortfall from the best choice
// over the conditions.
type regretRow struct {
	words string
	// shortfall is the largest of (best mean − this choice's mean) over
	// the conditions, pct the same as a share of that best mean, and at
	// the condition where it happens.
	shortfall, pct float64
	at             string
	// bestIn counts the conditions under which the choice is the best.
	bestIn int
}

// answer is the decision analysis of a dataset.
type answer struct {
	baseWords  string
	conditions []*conditionAnswer
	regret     []regretRow // in lever order, the smallest shortfall first
}

// settingWords says a setting in plain words: the parameter's label and
// its value, a share as a percentage ("annual staff turnover 20%").
func settingWords(name, value string) string {
	l := ParamLabel(name)
	if strings.HasPrefix(l.Unit, "share") {
		if x, err := strconv.ParseFloat(value, 64); err == nil && x >= 0 && x <= 1 {
			return l.Name + " " + pct(x)
		}
	}
	// The unit's first words ("weeks" of "weeks, mean"): a qualifier
	// reads as part of a list in a sentence.
	unit, _, _ := strings.Cut(l.Unit, ",")
	unit, _, _ = strings.Cut(unit, ";")
	if unit == "" || unit == "yes/no" || unit == "ratio" {
		return l.Name + " " + value
	}
	return l.Name + " " + value + " " + unit
}

// leverWords names a point's lever choice in plain words.
func (ds *dataset) leverWords(pd *pointData) string {
	var parts []string
	if pd.mp.Strategy != "" {
		parts = append(parts, pd.mp.Strategy)
	}
	for i, s := range pd.mp.Swept {
		if containsString(ds.man.Levers, ds.man.Swept[i]) {
			parts = append(parts, settingWords(s.Name, s.Value))
		}
	}
	if len(parts) == 0 {
		return "the scenario as written"
	}
	return strings.Join(parts, ", ")
}

// conditionWords names the conditions a point faces in plain words, ""
// when none is swept.
func (ds *dataset) conditionWords(pd *pointData) string {
	var parts []string
	for i, s := range pd.mp.Swept {
		switch {
		case s.Name == comparedSwept && ds.batchWords != nil:
			parts = append(parts, ds.batchWords[s.Value])
		case containsString(ds.man.Conditions, ds.man.Swept[i]):
			parts = append(parts, settingWords(s.Name, s.Value))
		}
	}
	return strings.Join(parts, ", ")
}

// baselineLabel is the baseline's lever label as manifest points write
// theirs (batch.Plan.LeverLabel).
func (m *manifest) baselineLabel() string {
	s := m.Baseline.Strategy
	for _, v := range m.Baseline.Levers {
		if s != "" {
			s += ", "
		}
		s += v.Name + "=" + v.Value
	}
	return s
}

// paired summarizes the paired differences a − b over replicates: both
// hold one value per replicate, in replicate order.
func (t *tTable) paired(a, b []float64) summary {
	if len(a) != len(b) {
		return summary{N: 0, Mean: math.NaN(), SD: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return t.summarizeValues(d)
}

// decide computes the answer: per condition (in the order conditions
// first appear among the points) the best choice and every choice's
// paired gain over the baseline, and the regret of each choice.
func (ds *dataset) decide() *answer {
	a := &answer{}
	baseLabel := ds.man.baselineLabel()
	byCond := map[string]*conditionAnswer{}
	for _, pd := range ds.points {
		key := pd.mp.Condition
		ca := byCond[key]
		if ca == nil {
			ca = &conditionAnswer{words: ds.conditionWords(pd)}
			byCond[key] = ca
			a.conditions = append(a.conditions, ca)
		}
		c := &choice{pd: pd, words: ds.leverWords(pd)}
		ca.choices = append(ca.choices, c)
		if pd.mp.Lever == baseLabel {
			ca.base = c
			a.baseWords = c.words
		}
	}
	for _, ca := range a.conditions {
		for _, c := range ca.choices {
			if ca.base != nil && c != ca.base {
				c.gain = ds.t.paired(c.pd.cumRuns, ca.base.pd.cumRuns)
			}
			switch {
			case ca.best == nil || better(c, ca.best):
				ca.best, ca.second = c, ca.best
			case ca.second == nil || better(c, ca.second):
				ca.second = c
			}
		}
		if ca.second != nil {
			ca.bestOverSecond = ds.t.paired(ca.best.pd.cumRuns, ca.second.pd.cumRuns)
		}
	}
	if len(a.conditions) == 0 {
		return a
	}
	// Regret over the lever choices of the first condition: every
	// condition has the same choices (the design is a full grid).
	for i, c := range a.conditions[0].choices {
		r := regretRow{words: c.words, shortfall: math.Inf(-1)}
		for _, ca := range a.conditions {
			if i >= len(ca.choices) {
				continue
			}
			x := ca.choices[i]
			if x == ca.best {
				r.bestIn++
			}
			short := ca.best.pd.cum.Mean - x.pd.cum.Mean
			if short > r.shortfall {
				r.shortfall, r.at = short, ca.words
				r.pct = 100 * short / ca.best.pd.cum.Mean
			}
		}
		a.regret = append(a.regret, r)
	}
	// Stable: ties keep lever order.
	for i := 1; i < len(a.regret); i++ {
		for j := i; j > 0 && a.regret[j].shortfall < a.regret[j-1].shortfall; j-- {
			a.regret[j], a.regret[j-1] = a.regret[j-1], a.regret[j]
		}
	}
	return a
}

// better reports whether choice a has a higher mean total than b.
func better(a, b *choice) bool {
	x, y := a.pd.cum.Mean, b.pd.cum.Mean
	return x > y || (!math.IsNaN(x) && math.IsNaN(y))
}

// signed formats x with a sign: "+1,234", "−56".
func signed(x float64) string {
	if x >= 0 {
		return "+" + human(x)
	}
	return "−" + human(-x)
}

// gainText says a gain over the baseline in the outcome's units and in
// percent of the baseline's mean, with its paired 95% interval when there
// is one: "5,230 more effective service hours than the status quo, …
// after five years: +4.1% (95% CI +4,100 to +6,360 hours, +3.2% to
// +5.0%)". than names the baseline.
func gainText(g summary, baseMean float64, than, horizon string) string {
	more := "more"
	if g.Mean < 0 {
		more = "fewer"
	}
	s := fmt.Sprintf("%s %s %s than %s %s", human(math.Abs(g.Mean)), more, unitResults, than, horizon)
	pc := func(x float64) string { return signed(100*x/baseMean) + "%" }
	var parts []string
	if baseMean != 0 && isFinite(baseMean) {
		parts = append(parts, pc(g.Mean))
	}
	if g.hasCI() {
		ci := "95% CI " + signed(g.Lo) + " to " + signed(g.Hi) + " hours"
		if baseMean != 0 && isFinite(baseMean) {
			ci += ", " + pc(g.Lo) + " to " + pc(g.Hi)
		}
		parts = append(parts, "("+ci+")")
	}
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, " ")
	}
	return s
}

// coversZero reports whether a paired interval cannot tell the two
// apart: it includes 0, or there is none.
func coversZero(g summary) bool { return !g.hasCI() || (g.Lo <= 0 && g.Hi >= 0) }

// verdicts are the answer's sentences, one per condition: the best lever
// choice and its paired gain over the baseline, or that the baseline is
// best, and whether the best can be told apart from the runner-up.
func (a *answer) verdicts(horizon string) []string {
	var out []string
	for _, ca := range a.conditions {
		var s string
		if ca.words != "" {
			s = "With " + ca.words + ", "
		}
		best := ca.best
		switch {
		case len(ca.choices) < 2:
			s += fmt.Sprintf("there is one choice only, %s, with %s %s %s.", best.words, human(best.pd.cum.Mean), unitResults, horizon)
		case ca.base == nil:
			s += fmt.Sprintf("the best choice is %s, with %s %s %s.", best.words, human(best.pd.cum.Mean), unitResults, horizon)
		case best == ca.base:
			s += fmt.Sprintf("the best choice is the status quo, %s. The next best, %s, gives %s.", best.words, ca.second.words,
				gainText(ca.second.gain, ca.base.pd.cum.Mean, "the status quo", horizon))
			if coversZero(ca.second.gain) {
				s += " With these replicates the two cannot be told apart."
			}
		default:
			s += fmt.Sprintf("the best choice is %s, with %s.", best.words, gainText(best.gain, ca.base.pd.cum.Mean, "the status quo", horizon))
			switch {
			case coversZero(best.gain):
				s += " With these replicates it cannot be told apart from the status quo."
			case ca.second != ca.base && coversZero(ca.bestOverSecond):
				s += fmt.Sprintf(" The runner-up, %s, cannot be told apart from it: the best is ahead by %s.", ca.second.words, diffText(ca.bestOverSecond))
			}
		}
		s = capitalize(s)
		out = append(out, s)
	}
	return out
}

// diffText says a paired difference and its interval in the outcome's
// units: "1,234 effective service hours (95% CI −56 to +2,400)".
func diffText(g summary) string {
	s := human(g.Mean) + " " + unitResults
	if g.hasCI() {
		s += " (95% CI " + signed(g.Lo) + " to " + signed(g.Hi) + ")"
	}
	return s
}

// robustness says whether one choice is best under every condition, and
// which choice has the smallest regret.
func (a *answer) robustness() string {
	if len(a.conditions) < 2 || len(a.regret) < 2 {
		return ""
	}
	top := a.regret[0]
	if top.bestIn == len(a.conditions) {
		s := fmt.Sprintf("The choice is robust: %s is the best under every one of the %d conditions", top.words, len(a.conditions))
		unclear := 0
		for _, ca := range a.conditions {
			if coversZero(ca.best.gain) && ca.best != ca.base || ca.second != nil && coversZero(ca.bestOverSecond) {
				unclear++
			}
		}
		if unclear > 0 {
			s += fmt.Sprintf(", though under %d of them it cannot be told apart from the status quo or the runner-up with these replicates", unclear)
		}
		return s + "."
	}
	return fmt.Sprintf("The best choice depends on the conditions. The most robust, %s, is the best under %d of the %d conditions and at most %s %s (%s%%) below the best under any of them (with %s).",
		top.words, top.bestIn, len(a.conditions), human(top.shortfall), unitResults, human(top.pct), top.at)
}

// yErr is points with vertical error bars.
type yErr struct{ x, y, lo, hi []float64 }

func (e yErr) Len() int                        { return len(e.x) }
func (e yErr) XY(i int) (float64, float64)     { return e.x[i], e.y[i] }
func (e yErr) YError(i int) (float64, float64) { return e.y[i] - e.lo[i], e.hi[i] - e.y[i] }

// choiceTicks labels the lever choices of the gains plot: the values of
// the one swept lever when that is all that differs, else the choices'
// words; and says what the axis shows.
func (ds *dataset) choiceTicks(ca *conditionAnswer) ([]string, string, bool) {
	var labels []string
	if len(ds.man.Levers) == 1 && ca.choices[0].pd.mp.Strategy == "" {
		k := slicesIndex(ds.man.Swept, ds.man.Levers[0])
		l := ParamLabel(ds.man.Levers[0])
		for _, c := range ca.choices {
			v := c.pd.mp.Swept[k].Value
			if x, err := strconv.ParseFloat(v, 64); err == nil && strings.HasPrefix(l.Unit, "share") && x >= 0 && x <= 1 {
				v = pct(x)
			}
			labels = append(labels, v)
		}
		return labels, l.Name, true
	}
	// Several levers: each choice's strategy and lever values, the axis
	// naming them in that order, as the legends of the other plots do.
	var names []string
	if ca.choices[0].pd.mp.Strategy != "" {
		names = append(names, "strategy")
	}
	for _, lv := range ds.man.Levers {
		names = append(names, ParamLabel(lv).Name)
	}
	for _, c := range ca.choices {
		var parts []string
		if c.pd.mp.Strategy != "" {
			parts = append(parts, c.pd.mp.Strategy)
		}
		for _, lv := range ds.man.Levers {
			if k := slicesIndex(ds.man.Swept, lv); k >= 0 {
				parts = append(parts, c.pd.mp.Swept[k].Value)
			}
		}
		labels = append(labels, strings.Join(parts, ", "))
	}
	return labels, strings.Join(names, ", "), false
}

func slicesIndex(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}

// gains is the plot that shows the answer: every lever choice's paired
// gain in total results over the status quo, with its 95% interval, one
// colour per condition. It returns nil when there is no baseline or only
// one choice.
func (v *view) gains(a *answer) *figure {
	if len(a.conditions) == 0 || a.conditions[0].base == nil || len(a.conditions[0].choices) < 2 || len(a.conditions) > maxStyles {
		return nil
	}
	ds := v.ds
	// A line joins the values of one swept lever; strategies stand apart.
	labels, axis, joined := ds.choiceTicks(a.conditions[0])
	heading := ""
	var condNames []string
	for _, c := range ds.man.Conditions {
		condNames = append(condNames, ParamLabel(c).Name)
	}
	heading = strings.Join(condNames, ", ")
	return &figure{
		name:     "gains_cumulative_results",
		title:    "Gain in total results over the status quo",
		subtitle: fmt.Sprintf("paired differences, mean over %d replicates with 95%% confidence intervals (Student t); 0 = the status quo, %s", ds.man.Replicates, shorten(a.baseWords, 60)),
		caption: fmt.Sprintf("For each choice, how many more effective service hours %s it gives than the status quo (%s), replicate by replicate on the same random futures. A bar that crosses 0 means the choice cannot be told apart from the status quo.",
			v.horizonText(), a.baseWords),
		body: func(c draw.Canvas) error {
			p := newPlot(axis, "gain in total results ("+unitResults+")")
			p.X.Tick.Marker = categoryTicks(labels)
			p.X.Min, p.X.Max = -0.5, float64(len(labels))-0.5
			zero, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: 0}, {X: float64(len(labels)) - 0.5, Y: 0}})
			if err != nil {
				return err
			}
			zero.LineStyle = draw.LineStyle{Color: textBlack, Width: vg.Points(0.75), Dashes: []vg.Length{vg.Points(3), vg.Points(3)}}
			p.Add(zero)
			var leg *legendBox
			if len(a.conditions) > 1 {
				leg = newLegendBox(heading)
			}
			n := len(a.conditions)
			for i, ca := range a.conditions {
				off := 0.0
				if n > 1 {
					off = (float64(i)/float64(n-1) - 0.5) * 0.3
				}
				var pts plotter.XYs
				var bars yErr
				for j, ch := range ca.choices {
					x := float64(j) + off
					g := ch.gain
					if ch == ca.base {
						g = summary{N: 1, Mean: 0, Lo: math.NaN(), Hi: math.NaN()}
					}
					if !isFinite(g.Mean) {
						continue
					}
					pts = append(pts, plotter.XY{X: x, Y: g.Mean})
					if g.hasCI() {
						bars.x, bars.y = append(bars.x, x), append(bars.y, g.Mean)
						bars.lo, bars.hi = append(bars.lo, g.Lo), append(bars.hi, g.Hi)
					}
				}
				sty := lineStyle(i)
				if bars.Len() > 0 {
					eb, err := plotter.NewYErrorBars(bars)
					if err != nil {
						return err
					}
					eb.LineStyle = draw.LineStyle{Color: sty.Color, Width: vg.Points(1.5)}
					eb.CapWidth = vg.Points(5)
					p.Add(eb)
				}
				line, err := plotter.NewLine(pts)
				if err != nil {
					return err
				}
				line.LineStyle = sty
				line.LineStyle.Width = vg.Points(1)
				dots, err := plotter.NewScatter(pts)
				if err != nil {
					return err
				}
				dots.GlyphStyle = draw.GlyphStyle{Color: sty.Color, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
				if joined {
					p.Add(line)
				}
				p.Add(dots)
				if leg != nil {
					leg.add(condValues(ds, ca), line, dots)
				}
			}
			if leg != nil {
				drawPlot(p, leg.splitRight(c))
				return nil
			}
			drawPlot(p, c)
			return nil
		},
	}
}

// condValues is a condition's values only, as the gains plot's legend
// lists them under the conditions' names.
func condValues(ds *dataset, ca *conditionAnswer) string {
	pd := ca.choices[0].pd
	var parts []string
	for i, s := range pd.mp.Swept {
		if containsString(ds.man.Conditions, ds.man.Swept[i]) {
			v := s.Value
			if x, err := strconv.ParseFloat(v, 64); err == nil && strings.HasPrefix(ParamLabel(s.Name).Unit, "share") && x >= 0 && x <= 1 {
				v = pct(x)
			}
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}
