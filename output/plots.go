package output

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/trustsim/trustsim/sim"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Limits that keep plots readable; docs/OUTPUTS.md states them.
const (
	maxLines       = 7  // lines in a time-series plot
	maxRows        = 15 // rows in the comparison plot
	maxHeatmaps    = 6  // heatmap slices
	maxCellLabels  = 80 // heatmap cells that get their value written in
	leaveBefore    = 10 // weeks shown before a departure
	leaveAfter     = 52 // weeks shown after it
	heatmapBarSize = 1.45 * vg.Inch
)

// figures returns the figures the dataset calls for, in report order,
// and a note for each requested plot that cannot be drawn. The standard
// plots come first: which appear follows from what the plan sweeps,
// whether it has several points and whether it schedules a departure
// (docs/OUTPUTS.md, "plots/"). The scenario's requested plots follow in
// its order (see requested).
func figures(ds *dataset) ([]*figure, []string) {
	v := newView(ds)
	fs := []*figure{
		v.timeseries("timeseries_results", "results", "Initiative results over time", MetricLabel("results").String(),
			"Weekly results of the initiative (effective service hours per week) for each "+v.pointWord()+": the line is the mean over replicates, the shaded band its 95% confidence interval."),
		v.timeseries("timeseries_cross_org_trust", "cross_org_trust", "Trust between organizations over time", MetricLabel("cross_org_trust").String(),
			"Mean trust on ties between people of different organizations (0 = none, 1 = complete)."),
	}
	if f := v.gains(ds.decide()); f != nil {
		fs = append([]*figure{f}, fs...)
	}
	sens, _ := ds.sensitivity() // render reports its error before drawing
	if sens == nil {
		if f, _ := v.response(cumulativeMeasure); f != nil {
			fs = append(fs, f)
		}
		hs, _ := v.heatmaps(cumulativeMeasure)
		fs = append(fs, hs...)
	} else {
		// Sampled values form no grid to draw curves or heatmaps over,
		// and draws of the conditions are not choices to rank.
		fs = append(fs, sensitivityFigures(sens)...)
	}
	if len(ds.points) >= 2 && sens == nil {
		fs = append(fs, v.comparison())
	}
	if f := v.leave(); f != nil {
		fs = append(fs, f)
	}
	if f := v.effect(); f != nil {
		fs = append(fs, f)
	}
	drawn := map[string]bool{}
	for _, f := range fs {
		drawn[f.name] = true
	}
	var notes []string
	seen := map[manifestPlot]bool{}
	for _, r := range ds.man.Plots {
		if seen[r] {
			continue
		}
		seen[r] = true
		rfs, why := v.requested(r, drawn)
		if why != "" {
			notes = append(notes, fmt.Sprintf("The scenario asks for %s of %s (kind = %q); it is not drawn because %s.",
				kindNoun(r.Kind), r.Metric, r.Kind, why))
			continue
		}
		for _, f := range rfs {
			if !drawn[f.name] {
				drawn[f.name] = true
				fs = append(fs, f)
			}
		}
	}
	return fs, notes
}

// view holds what several figures share: short labels and wording.
type view struct {
	ds *dataset
	// shortSwept are the swept parameters in plain words (ParamLabel), or
	// their names cut to their shortest unique dotted suffix when two of
	// them would read the same.
	shortSwept []string
	// strategiesOnly is true when points differ only by strategy.
	strategiesOnly bool
	bands          bool
}

func newView(ds *dataset) *view {
	v := &view{ds: ds, shortSwept: sweptWords(ds.man.Swept), bands: ds.man.Replicates > 1}
	v.strategiesOnly = len(ds.man.Swept) == 0 && len(ds.points) > 1
	return v
}

// sweptWords names the swept parameters in plain words, or, when two
// would read the same, by their shortNames.
func sweptWords(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = ParamLabel(n).Name
		if slices.Contains(out[:i], out[i]) {
			return shortNames(names)
		}
	}
	return out
}

// shortNames returns, for each dotted name, its shortest suffix of
// dotted parts that no other name ends with.
func shortNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		parts := strings.Split(n, ".")
		// A role name alone ("staff") says too little: keep its parent.
		last := len(parts) - 1
		if last > 0 && slices.Contains(sim.RoleNames(), parts[last]) {
			last--
		}
		for k := last; k >= 0; k-- {
			suf := strings.Join(parts[k:], ".")
			unique := true
			for j, m := range names {
				if j != i && (m == suf || strings.HasSuffix(m, "."+suf)) {
					unique = false
					break
				}
			}
			if unique || k == 0 {
				out[i] = suf
				break
			}
		}
	}
	return out
}

// legendHeading names what the labels of valueLabel(pd, from) list:
// "strategy" and the short names of the swept parameters from from on.
func (v *view) legendHeading(from int) string {
	var parts []string
	if v.ds.points[0].mp.Strategy != "" {
		parts = append(parts, "strategy")
	}
	parts = append(parts, v.shortSwept[from:]...)
	if len(parts) == 0 {
		return v.pointWord()
	}
	// One swept parameter alone: its unit too, as an axis would show it.
	if len(parts) == 1 && from == len(v.shortSwept)-1 {
		if l := ParamLabel(v.ds.man.Swept[from]); l.Name == parts[0] && l.Unit != "" {
			return l.String()
		}
	}
	return strings.Join(parts, ", ")
}

// plainLabel names a point in plain words: its strategy and each swept
// parameter's words with its value ("partnership, working time for
// relationship building 0.1"); the point's label when it has neither.
func plainLabel(pd *pointData) string {
	var parts []string
	if pd.mp.Strategy != "" {
		parts = append(parts, pd.mp.Strategy)
	}
	for _, s := range pd.mp.Swept {
		parts = append(parts, ParamLabel(s.Name).Name+" "+s.Value)
	}
	if len(parts) == 0 {
		return pd.mp.Label
	}
	return strings.Join(parts, ", ")
}

// valueLabel is a point's strategy and swept values from from on, the
// names being in legendHeading(from); the point's label when it has none.
func (v *view) valueLabel(pd *pointData, from int) string {
	if k := groupKey(pd, from); k != "" {
		return k
	}
	return pd.mp.Label
}

// groupKey is the point's strategy and swept values from from on, "" when
// it has none: what a line of the response curve or a heatmap holds
// fixed.
func groupKey(pd *pointData, from int) string {
	var parts []string
	if pd.mp.Strategy != "" {
		parts = append(parts, pd.mp.Strategy)
	}
	for _, s := range pd.mp.Swept[from:] {
		parts = append(parts, s.Value)
	}
	return strings.Join(parts, ", ")
}

// pointWord names what a line or row stands for: a strategy, or one
// combination of the strategy and the swept settings (a design point).
func (v *view) pointWord() string {
	if v.strategiesOnly {
		return "strategy"
	}
	return "combination of settings"
}

// pointWords is the plural of pointWord.
func (v *view) pointWords() string {
	if v.strategiesOnly {
		return "strategies"
	}
	return "combinations of settings"
}

// spread says how the statistics were made, for subtitles.
func (v *view) spread(what string) string {
	r := v.ds.man.Replicates
	if !v.bands {
		return "one replicate per " + v.pointWord() + ": lines without confidence " + what
	}
	return fmt.Sprintf("mean over %d replicates with 95%% confidence %s (Student t, within the possible values)", r, what)
}

// linePoints chooses at most maxLines points to draw as lines: all of
// them in point order when they fit, otherwise the best, the worst and
// evenly spaced ranks between by mean cumulative results.
func (v *view) linePoints(pts []*pointData) ([]*pointData, string) {
	if len(pts) <= maxLines {
		return pts, ""
	}
	var ranked []*pointData
	for _, pd := range v.ds.ranked {
		if slices.Contains(pts, pd) {
			ranked = append(ranked, pd)
		}
	}
	var out []*pointData
	for i := range maxLines {
		out = append(out, ranked[int(math.Round(float64(i)*float64(len(ranked)-1)/float64(maxLines-1)))])
	}
	return out, fmt.Sprintf("; %d of %d %s shown: best, worst and evenly spaced ranks by total results", maxLines, len(pts), v.pointWords())
}

// lineThumbs returns a legend entry's thumbnails: the band under the line.
func lineThumbs(line *plotter.Line, band *plotter.Polygon) []plot.Thumbnailer {
	if band == nil {
		return []plot.Thumbnailer{line}
	}
	return []plot.Thumbnailer{band, line}
}

// timeseries draws metric against week, one line per point.
//
// A series of minSmoothHorizon weeks or more is drawn as means over
// blocks of smoothWeeks weeks, which the subtitle says: week by week,
// the rhythm of convenings (results dip in every convening week) reads
// as volatility. timeseries.csv and aggregate.csv keep every week.
func (v *view) timeseries(name, metric, title, yLabel, caption string) *figure {
	shown, note := v.linePoints(v.ds.points)
	smooth := false
	for _, pd := range shown {
		smooth = smooth || len(pd.series[metric]) >= minSmoothHorizon
	}
	sub := v.spread("bands") + note
	if smooth {
		sub = fmt.Sprintf("%d-week means (every week is in timeseries.csv); ", smoothWeeks) + sub
		caption += fmt.Sprintf(" Each point is the mean of %d consecutive weeks, drawn at their middle.", smoothWeeks)
	}
	return &figure{
		name: name, title: title, caption: caption,
		subtitle: sub,
		body: func(c draw.Canvas) error {
			p := newPlot("week", yLabel)
			leg := newLegendBox(v.legendHeading(0))
			for i, pd := range shown {
				xs, mean, lo, hi := seriesColumns(pd.series[metric], 0, len(pd.series[metric]), 0)
				if smooth {
					xs, mean, lo, hi = blockMeans(xs, smoothWeeks), blockMeans(mean, smoothWeeks), blockMeans(lo, smoothWeeks), blockMeans(hi, smoothWeeks)
				}
				sty := lineStyle(i)
				line, band, err := addMeanWithBand(p, xs, mean, lo, hi, sty, v.bands)
				if err != nil {
					return fmt.Errorf("%s: %w", pd.mp.Label, err)
				}
				leg.add(v.valueLabel(pd, 0), lineThumbs(line, band)...)
			}
			drawPlot(p, leg.splitRight(c))
			return nil
		},
	}
}

// Time series of at least minSmoothHorizon weeks are drawn as means over
// blocks of smoothWeeks weeks (see timeseries).
const (
	smoothWeeks      = 4
	minSmoothHorizon = 16
)

// blockMeans returns the means of xs over consecutive blocks of k values
// from the first; the last block may be shorter. A block with a NaN
// value has a NaN mean.
func blockMeans(xs []float64, k int) []float64 {
	var out []float64
	for i := 0; i < len(xs); i += k {
		block := xs[i:min(i+k, len(xs))]
		sum := 0.0
		for _, x := range block {
			sum += x
		}
		out = append(out, sum/float64(len(block)))
	}
	return out
}

// seriesColumns returns steps from..to-1 of s as x (step - origin), mean,
// lower and upper confidence limits.
func seriesColumns(s []summary, from, to, origin int) (xs, mean, lo, hi []float64) {
	for step := from; step < to; step++ {
		xs = append(xs, float64(step-origin))
		mean = append(mean, s[step].Mean)
		lo = append(lo, s[step].Lo)
		hi = append(hi, s[step].Hi)
	}
	return xs, mean, lo, hi
}

// axisValues are the distinct values of one swept parameter, in plot
// order: ascending when all are numbers, else in point order.
type axisValues struct {
	labels  []string
	numbers []float64 // nil when not all values are numbers
}

func (v *view) axis(k int) axisValues {
	var a axisValues
	for _, pd := range v.ds.points {
		if s := pd.mp.Swept[k].Value; !slices.Contains(a.labels, s) {
			a.labels = append(a.labels, s)
		}
	}
	nums := make([]float64, len(a.labels))
	for i, l := range a.labels {
		x, err := strconv.ParseFloat(l, 64)
		if err != nil || !isFinite(x) {
			return a
		}
		nums[i] = x
	}
	idx := make([]int, len(a.labels))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return nums[idx[i]] < nums[idx[j]] })
	sorted := axisValues{}
	for _, i := range idx {
		sorted.labels = append(sorted.labels, a.labels[i])
		sorted.numbers = append(sorted.numbers, nums[i])
	}
	return sorted
}

// pos returns where value lies on the axis: the number itself, or its
// category index.
func (a *axisValues) pos(value string) float64 {
	i := slices.Index(a.labels, value)
	if a.numbers != nil {
		return a.numbers[i]
	}
	return float64(i)
}

// axisLabel names swept parameter k in plain words with its unit.
func (v *view) axisLabel(k int) string {
	return ParamLabel(v.ds.man.Swept[k]).String()
}

// sliceKey names what a heatmap holds fixed: the point's strategy and
// its swept values from from on, written "name value" with the names in
// words.
func sliceKey(pd *pointData, from int, short []string) string {
	var parts []string
	if pd.mp.Strategy != "" {
		parts = append(parts, pd.mp.Strategy)
	}
	for i := from; i < len(pd.mp.Swept); i++ {
		parts = append(parts, short[i]+" "+pd.mp.Swept[i].Value)
	}
	return strings.Join(parts, ", ")
}

// groups partitions the points by groupKey(from), in point order.
func (v *view) groups(from int) (keys []string, members map[string][]*pointData) {
	members = map[string][]*pointData{}
	for _, pd := range v.ds.points {
		k := groupKey(pd, from)
		if _, ok := members[k]; !ok {
			keys = append(keys, k)
		}
		members[k] = append(members[k], pd)
	}
	return keys, members
}

func (v *view) horizonText() string {
	h := v.ds.points[0].params.Horizon
	for _, pd := range v.ds.points {
		if pd.params.Horizon != h {
			return "at each point's horizon"
		}
	}
	return fmt.Sprintf("after %d weeks", h)
}

// errXY is points with horizontal confidence intervals, for XErrorBars.
type errXY struct{ x, y, lo, hi []float64 }

func (e errXY) Len() int                        { return len(e.x) }
func (e errXY) XY(i int) (float64, float64)     { return e.x[i], e.y[i] }
func (e errXY) XError(i int) (float64, float64) { return e.x[i] - e.lo[i], e.hi[i] - e.x[i] }

// response draws m against the first swept parameter, one line per
// strategy and level of the other swept parameters, with the highest
// value of each line ringed. It returns nil and the reason when there is
// no sweep, the first parameter takes a single value, or there are more
// lines than line styles.
func (v *view) response(m measure) (*figure, string) {
	if len(v.ds.man.Swept) == 0 {
		return nil, "it needs a swept parameter, and this batch sweeps none" + sweepHint
	}
	ax := v.axis(0)
	keys, members := v.groups(1)
	if len(ax.labels) < 2 {
		return nil, fmt.Sprintf("its first swept parameter, %s, takes a single value", v.ds.man.Swept[0]) + sweepHint
	}
	if len(keys) > maxStyles {
		return nil, fmt.Sprintf("it would need %d lines, more than the %d that can be told apart", len(keys), maxStyles)
	}
	name := v.shortSwept[0]
	heading := v.legendHeading(1)
	single := len(keys) == 1
	// "Best" is marked only among the funder's choices: along each line
	// when the x axis is a lever; across the lines at each x when the x
	// axis is a condition and the lines are levers; not at all otherwise.
	highest := "highest mean"
	mark := ringNone
	ring, ringLegend, ringCaption := "", "", ""
	switch {
	case v.isLever(0):
		mark = ringAlong
		ring, ringLegend = "; ring: the best "+name+" of each line", "best of line"
		if !m.standard {
			ring, ringLegend = "; ring: the highest mean of each line", "highest of line"
		}
		ringCaption = " Each line holds everything else fixed; the ring marks the value with the " + highest + "."
	case !single && v.leversFrom(1):
		mark = ringAcross
		ring, ringLegend = "; ring: the best line at each "+name, "best at this "+name
		if !m.standard {
			ring, ringLegend = "; ring: the line with the highest mean at each "+name, "highest at this "+name
		}
		ringCaption = " The " + name + " is a condition, not a choice: at each of its values the ring marks the line (the choice) with the " + highest + "."
	}
	return &figure{
		name:     "response_" + m.metric,
		title:    m.title + " by " + name,
		subtitle: v.spread("bands") + ring,
		caption: fmt.Sprintf("%s against the %s.%s",
			m.caption(v.horizonText()), v.shortSwept[0], ringCaption),
		body: func(c draw.Canvas) error {
			p := newPlot(v.axisLabel(0), m.label)
			if ax.numbers == nil {
				p.X.Tick.Marker = categoryTicks(ax.labels)
			}
			leg := newLegendBox(heading)
			// top holds, for each x, the highest mean and its line.
			type top struct {
				y    float64
				line int
			}
			tops := map[float64]top{}
			for i, k := range keys {
				for _, pd := range members[k] {
					x, y := ax.pos(pd.mp.Swept[0].Value), m.stat(pd).Mean
					if t, ok := tops[x]; isFinite(y) && (!ok || y > t.y) {
						tops[x] = top{y, i}
					}
				}
			}
			for i, k := range keys {
				pts := slices.Clone(members[k])
				sort.SliceStable(pts, func(a, b int) bool {
					return ax.pos(pts[a].mp.Swept[0].Value) < ax.pos(pts[b].mp.Swept[0].Value)
				})
				var xs, mean, lo, hi []float64
				best := 0
				for j, pd := range pts {
					xs = append(xs, ax.pos(pd.mp.Swept[0].Value))
					st := m.stat(pd)
					mean = append(mean, st.Mean)
					lo, hi = append(lo, st.Lo), append(hi, st.Hi)
					if st.Mean > mean[best] {
						best = j
					}
				}
				var rings plotter.XYs
				switch mark {
				case ringAlong:
					rings = plotter.XYs{{X: xs[best], Y: mean[best]}}
				case ringAcross:
					for j, x := range xs {
						if t := tops[x]; t.line == i && t.y == mean[j] {
							rings = append(rings, plotter.XY{X: x, Y: mean[j]})
						}
					}
				}
				sty := lineStyle(i)
				line, band, err := addMeanWithBand(p, xs, mean, lo, hi, sty, v.bands)
				if err != nil {
					return err
				}
				dots, err := plotter.NewScatter(line.XYs)
				if err != nil {
					return err
				}
				dots.GlyphStyle = draw.GlyphStyle{Color: sty.Color, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
				p.Add(dots)
				if len(rings) > 0 {
					ring, err := plotter.NewScatter(rings)
					if err != nil {
						return err
					}
					ring.GlyphStyle = draw.GlyphStyle{Color: sty.Color, Radius: vg.Points(7), Shape: draw.RingGlyph{}}
					p.Add(ring)
				}
				label := k
				if single {
					label = "mean"
				}
				leg.add(label, lineThumbs(line, band)...)
			}
			if mark != ringNone {
				ringThumb, _ := plotter.NewScatter(plotter.XYs{{}})
				ringThumb.GlyphStyle = draw.GlyphStyle{Color: textBlack, Radius: vg.Points(6), Shape: draw.RingGlyph{}}
				leg.add(ringLegend, ringThumb)
			}
			drawPlot(p, leg.splitRight(c))
			return nil
		},
	}, ""
}

// How a response curve marks the best: see response.
const (
	ringNone = iota
	ringAlong
	ringAcross
)

// isLever reports whether swept parameter k is one of the funder's
// choices (manifest.json's levers). A manifest that names neither levers
// nor conditions makes every swept parameter a lever.
func (v *view) isLever(k int) bool {
	m := &v.ds.man
	if len(m.Levers) == 0 && len(m.Conditions) == 0 {
		return true
	}
	return slices.Contains(m.Levers, m.Swept[k])
}

// leversFrom reports whether every swept parameter from k on is a lever.
func (v *view) leversFrom(k int) bool {
	for i := k; i < len(v.ds.man.Swept); i++ {
		if !v.isLever(i) {
			return false
		}
	}
	return true
}

// heatGrid is a GridXYZ over category positions.
type heatGrid struct{ z [][]float64 } // z[row][col]

func (g heatGrid) Dims() (c, r int)   { return len(g.z[0]), len(g.z) }
func (g heatGrid) Z(c, r int) float64 { return g.z[r][c] }
func (g heatGrid) X(c int) float64    { return float64(c) }
func (g heatGrid) Y(r int) float64    { return float64(r) }

// heatmaps draws the mean of m over the first two swept parameters, one
// heatmap per strategy and level of further swept parameters (at most
// maxHeatmaps), with a colour bar and the highest cell outlined. It
// returns no figure and the reason when there are not two swept
// parameters of two values or more, or no finite value to draw.
func (v *view) heatmaps(m measure) ([]*figure, string) {
	switch sw := v.ds.man.Swept; len(sw) {
	case 0:
		return nil, "it needs two swept parameters, and this batch sweeps none" + sweepHint
	case 1:
		return nil, "it needs two swept parameters, and this batch sweeps only " + sw[0] + sweepHint
	}
	ax, ay := v.axis(0), v.axis(1)
	for k, a := range []axisValues{ax, ay} {
		if len(a.labels) < 2 {
			return nil, fmt.Sprintf("its swept parameter %s takes a single value", v.ds.man.Swept[k]) + sweepHint
		}
	}
	keys, members := v.groups(2)
	if len(keys) > maxHeatmaps {
		keys = keys[:maxHeatmaps]
	}
	var fs []*figure
	for n, k := range keys {
		z := make([][]float64, len(ay.labels))
		for r := range z {
			z[r] = make([]float64, len(ax.labels))
			for c := range z[r] {
				z[r][c] = math.NaN()
			}
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		bestR, bestC := -1, -1
		for _, pd := range members[k] {
			c := slices.Index(ax.labels, pd.mp.Swept[0].Value)
			r := slices.Index(ay.labels, pd.mp.Swept[1].Value)
			x := m.stat(pd).Mean
			z[r][c] = x
			if isFinite(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
				if bestR < 0 || x > z[bestR][bestC] {
					bestR, bestC = r, c
				}
			}
		}
		if bestR < 0 {
			continue
		}
		if hi-lo <= 0 {
			pad := math.Max(math.Abs(hi)*0.01, 1)
			lo, hi = lo-pad, hi+pad
		}
		name := "heatmap_" + m.metric
		if len(keys) > 1 {
			name += "_" + strconv.Itoa(n+1)
		}
		best, better := "best", "better"
		if !m.standard {
			best, better = "highest", "higher"
		}
		// "Best" is marked only among the funder's choices (levers): the
		// best cell when both axes are levers, the best lever value for
		// each value of a condition on the other axis, nothing when
		// neither axis is a lever.
		var outlined [][2]int
		var marked, markedCaption string
		xl, yl := v.isLever(0), v.isLever(1)
		switch {
		case xl && yl:
			outlined = [][2]int{{bestC, bestR}}
			marked = fmt.Sprintf("outlined: %s cell (%s %s, %s %s)", best, v.shortSwept[0], ax.labels[bestC], v.shortSwept[1], ay.labels[bestR])
			markedCaption = "the outlined cell is the " + best
		case xl:
			outlined = bestPerLine(z, true)
			marked = fmt.Sprintf("outlined: the %s cell of each row (each %s)", best, v.shortSwept[1])
			markedCaption = "in each row the outlined cell is the " + best + " choice of " + v.shortSwept[0] + " under that " + v.shortSwept[1]
		case yl:
			outlined = bestPerLine(z, false)
			marked = fmt.Sprintf("outlined: the %s cell of each column (each %s)", best, v.shortSwept[0])
			markedCaption = "in each column the outlined cell is the " + best + " choice of " + v.shortSwept[1] + " under that " + v.shortSwept[0]
		default:
			marked = "no cell outlined: neither axis is a choice"
			markedCaption = "neither axis is a choice, so no cell is marked " + best
		}
		sub := fmt.Sprintf("mean %s over %d replicate(s); %s", m.when(v.horizonText()), v.ds.man.Replicates, marked)
		title := m.title + " by " + v.shortSwept[0] + " and " + v.shortSwept[1]
		slice := sliceKey(members[k][0], 2, v.shortSwept)
		if slice != "" {
			sub = slice + ": " + sub
		}
		grid := heatGrid{z: z}
		fs = append(fs, &figure{
			name: name, title: title, subtitle: sub,
			caption: fmt.Sprintf("Mean %s for every combination of %s and %s%s; brighter is %s, %s.",
				m.phrase, v.shortSwept[0], v.shortSwept[1], strings.TrimSuffix(" ("+slice+")", " ()"), better, markedCaption),
			body: func(c draw.Canvas) error { return drawHeatmap(c, v, m, grid, ax, ay, lo, hi, outlined) },
		})
	}
	if len(fs) == 0 {
		return nil, "no design point has a finite value of " + m.metric
	}
	return fs, ""
}

// drawHeatmap draws one heatmap, outlining the cells (column, row) of
// outlined.
// bestPerLine returns the cell (column, row) of the highest finite value
// of each row of z (byRow) or of each column, skipping lines with none.
func bestPerLine(z [][]float64, byRow bool) [][2]int {
	var out [][2]int
	if byRow {
		for r := range z {
			best := -1
			for c, x := range z[r] {
				if isFinite(x) && (best < 0 || x > z[r][best]) {
					best = c
				}
			}
			if best >= 0 {
				out = append(out, [2]int{best, r})
			}
		}
		return out
	}
	for c := range z[0] {
		best := -1
		for r := range z {
			if x := z[r][c]; isFinite(x) && (best < 0 || x > z[best][c]) {
				best = r
			}
		}
		if best >= 0 {
			out = append(out, [2]int{c, best})
		}
	}
	return out
}

func drawHeatmap(c draw.Canvas, v *view, m measure, grid heatGrid, ax, ay axisValues, lo, hi float64, outlined [][2]int) error {
	cm := newViridis(lo, hi)
	hm := plotter.NewHeatMap(grid, cm.Palette(256))
	hm.Min, hm.Max = lo, hi
	hm.NaN = gridGrey
	p := newPlot(v.axisLabel(0), v.axisLabel(1))
	p.Add(hm)
	p.X.Tick.Marker = categoryTicks(ax.labels)
	p.Y.Tick.Marker = categoryTicks(ay.labels)
	cols, rows := grid.Dims()
	if cols*rows <= maxCellLabels {
		for r := range rows {
			for col := range cols {
				x := grid.Z(col, r)
				if !isFinite(x) {
					continue
				}
				cc, _ := cm.At(x)
				txt := textStyle(10.5, false, textBlack)
				if luminance(cc) < 0.45 {
					txt.Color = whiteText
				}
				lab, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: float64(col), Y: float64(r)}}, Labels: []string{human(x)}})
				if err != nil {
					return err
				}
				txt.XAlign, txt.YAlign = draw.XCenter, draw.YCenter
				lab.TextStyle = []draw.TextStyle{txt}
				p.Add(lab)
			}
		}
	}
	for _, oc := range outlined {
		cell := func(dx, dy float64) plotter.XYs {
			x, y := float64(oc[0]), float64(oc[1])
			return plotter.XYs{{X: x - dx, Y: y - dy}, {X: x + dx, Y: y - dy}, {X: x + dx, Y: y + dy}, {X: x - dx, Y: y + dy}}
		}
		outer, err := plotter.NewPolygon(cell(0.47, 0.47))
		if err != nil {
			return err
		}
		outer.LineStyle = draw.LineStyle{Color: textBlack, Width: vg.Points(3.5)}
		inner, err := plotter.NewPolygon(cell(0.47, 0.47))
		if err != nil {
			return err
		}
		inner.LineStyle = draw.LineStyle{Color: whiteText, Width: vg.Points(1.2)}
		p.Add(outer, inner)
	}
	p.X.Min, p.X.Max = -0.5, float64(cols)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(rows)-0.5
	p.X.Padding, p.Y.Padding = 0, 0

	main := c
	main.Max.X -= heatmapBarSize
	drawPlot(p, main)

	bar := newBarePlot("", "mean "+m.label)
	bar.Add(colourBar{cm: cm, steps: 128})
	bar.HideX()
	bar.X.Padding, bar.Y.Padding = 0, 0
	data := p.DataCanvas(main)
	col := c
	col.Min.X = c.Max.X - heatmapBarSize + vg.Points(14)
	col.Min.Y, col.Max.Y = data.Min.Y, data.Max.Y
	drawPlot(bar, col)
	return nil
}

// comparison ranks the points by mean cumulative results, best at the
// top, with their 95% confidence intervals, beside their partnership
// resets.
func (v *view) comparison() *figure {
	rows := v.ds.ranked
	note := ""
	if len(rows) > maxRows {
		rows = rows[:maxRows]
		note = fmt.Sprintf("; the %d best of %d shown", maxRows, len(v.ds.ranked))
	}
	word := v.pointWord()
	words := v.pointWords()
	caption := fmt.Sprintf("Each row is a %s, best first: on the left its total results %s, on the right how many partnerships it lost to departures. Bars are 95%% confidence intervals.",
		word, v.horizonText())
	caption += " " + resetsCaption
	if slices.ContainsFunc(rows, (*pointData).noPartnerships) {
		caption += " " + noPartnershipCaption
	}
	return &figure{
		name:     "comparison",
		title:    capitalize(words) + " ranked by total results",
		subtitle: v.spread("intervals") + "; best at the top" + note,
		caption:  caption,
		body: func(c draw.Canvas) error {
			left := c
			left.Max.X = c.Min.X + (c.Max.X-c.Min.X)*0.58
			right := c
			right.Min.X = left.Max.X + vg.Points(10)
			if err := v.rankPanel(left, rows, MetricLabel("cumulative_results").String(), func(pd *pointData) summary { return pd.cum }, 3, true, nil); err != nil {
				return err
			}
			return v.rankPanel(right, rows, RunColumnLabel("partnership_resets").String(), func(pd *pointData) summary { return pd.resets }, 4, false, (*pointData).noPartnerships)
		},
	}
}

// ranking is the requested strategies plot of m: one row per design point
// (per strategy when points differ only by strategy), highest mean at
// the top, with 95% confidence intervals; at most maxRows rows.
func (v *view) ranking(m measure) *figure {
	rows := slices.Clone(v.ds.points)
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := m.stat(rows[i]).Mean, m.stat(rows[j]).Mean
		return a > b || (!math.IsNaN(a) && math.IsNaN(b))
	})
	note := ""
	if len(rows) > maxRows {
		note = fmt.Sprintf("; the %d highest of %d shown", maxRows, len(rows))
		rows = rows[:maxRows]
	}
	words := v.pointWords()
	caption := fmt.Sprintf("Each row is a %s, highest first: %s. Bars are 95%% confidence intervals.",
		v.pointWord(), m.caption(v.horizonText()))
	var na func(*pointData) bool
	if m.metric == "partnership_resets" {
		na = (*pointData).noPartnerships
		caption += " " + resetsCaption
		if slices.ContainsFunc(rows, na) {
			caption += " " + noPartnershipCaption
		}
	}
	return &figure{
		name:     "strategies_" + m.metric,
		title:    capitalize(words) + " ranked by " + m.phrase,
		subtitle: v.spread("intervals") + "; highest at the top" + note,
		caption:  caption,
		body: func(c draw.Canvas) error {
			return v.rankPanel(c, rows, m.label, m.stat, 3, true, na)
		},
	}
}

// noPartnershipText stands in a resets panel for a point where no
// partnership was ever active: a 0 there would compare like with unlike.
const noPartnershipText = "no partnership to reset"

// noPartnershipCaption explains noPartnershipText in a caption.
const noPartnershipCaption = "Where no partnership was ever active in any run, there was nothing to reset: the row says \"" + noPartnershipText + "\" rather than showing a 0 that would read as a better result."

// resetsCaption explains the resets panel's row labels.
const resetsCaption = "Only an active partnership can be reset: each row says how many partnerships were active in a week, on average. Where few were active (a funder model that builds few, such as grantor-grantee) there were few to lose, so fewer resets there is not a better result."

// meanActive is the mean over runs of the mean number of active
// partnerships in a week (runs.csv's mean_active_partnerships).
func (pd *pointData) meanActive() float64 {
	sum := 0.0
	for _, a := range pd.activeRuns {
		sum += a
	}
	return sum / float64(len(pd.activeRuns))
}

// noPartnerships reports whether no partnership was active at any week
// of any run of the point, so that partnership resets cannot apply.
func (pd *pointData) noPartnerships() bool {
	if len(pd.activeRuns) == 0 {
		return false
	}
	for _, a := range pd.activeRuns {
		if a != 0 {
			return false
		}
	}
	return true
}

// rankPanel draws rows (the first at the top) as dots at stat's mean
// with horizontal 95% confidence intervals, in colour okabeIto[colour];
// named says whether the rows are labelled. A row for which na (if not
// nil) is true gets noPartnershipText instead of a dot.
func (v *view) rankPanel(c draw.Canvas, rows []*pointData, label string, stat func(*pointData) summary, colour int, named bool, na func(*pointData) bool) error {
	n := len(rows)
	labels := make([]string, n)
	for i, pd := range rows {
		switch {
		case named && na != nil:
			labels[n-1-i] = shorten(v.valueLabel(pd, 0), 30) + " (" + human(pd.meanActive()) + " active)"
		case named:
			labels[n-1-i] = shorten(v.valueLabel(pd, 0), 38)
		case na != nil:
			labels[n-1-i] = human(pd.meanActive()) + " active"
		}
	}
	p := newPlot(label, "")
	switch {
	case named:
		p.Y.Label.Text = v.legendHeading(0)
	case na != nil:
		p.Y.Label.Text = "partnerships active in a week, mean"
	}
	p.Y.Tick.Marker = categoryTicks(labels)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	var all, withCI errXY
	var naRows []float64
	for i, pd := range rows {
		s := stat(pd)
		y := float64(n - 1 - i)
		if na != nil && na(pd) {
			naRows = append(naRows, y)
			continue
		}
		all.x, all.y = append(all.x, s.Mean), append(all.y, y)
		if v.bands && s.hasCI() {
			withCI.x, withCI.y = append(withCI.x, s.Mean), append(withCI.y, y)
			withCI.lo, withCI.hi = append(withCI.lo, s.Lo), append(withCI.hi, s.Hi)
		}
	}
	col := okabeIto[colour]
	if withCI.Len() > 0 {
		bars, err := plotter.NewXErrorBars(withCI)
		if err != nil {
			return err
		}
		bars.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(2)}
		bars.CapWidth = vg.Points(6)
		p.Add(bars)
	}
	if all.Len() > 0 {
		dots, err := plotter.NewScatter(xyPairs{all.x, all.y})
		if err != nil {
			return err
		}
		dots.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
		p.Add(dots)
	} else {
		p.X.Min, p.X.Max = 0, 0
	}
	if len(naRows) > 0 {
		p.Add(rowNotes{ys: naRows, text: noPartnershipText})
	}
	nonNegativeAxis(&p.X)
	drawPlot(p, c)
	return nil
}

// nonNegativeAxis keeps an axis whose data are all zero or more from
// showing negative values: gonum widens a range of one value (every run
// with no reset) to [-1, 1].
func nonNegativeAxis(a *plot.Axis) {
	if a.Min >= 0 && a.Max <= a.Min {
		a.Min, a.Max = math.Max(a.Min-1, 0), a.Max+1
	}
}

// rowNotes writes text at the left of the data area on each row y.
type rowNotes struct {
	ys   []float64
	text string
}

// Plot implements plot.Plotter.
func (r rowNotes) Plot(c draw.Canvas, p *plot.Plot) {
	_, y := p.Transforms(&c)
	sty := textStyle(10, false, textGrey)
	sty.YAlign = draw.YCenter
	for _, v := range r.ys {
		c.FillText(sty, vg.Point{X: c.Min.X + vg.Points(4), Y: y(v)}, r.text)
	}
}

type xyPairs struct{ x, y []float64 }

func (p xyPairs) Len() int                    { return len(p.x) }
func (p xyPairs) XY(i int) (float64, float64) { return p.x[i], p.y[i] }

// leave draws partnership strength from leaveBefore weeks before each
// point's first scheduled departure to leaveAfter weeks after it, or
// returns nil when no point schedules one.
func (v *view) leave() *figure {
	align := func(pd *pointData) int { return pd.leave }
	return v.aroundEvent(align, func(what string) *figure {
		return &figure{
			name:  "leave_partnership_strength",
			title: "Partnership strength around the scheduled departure",
			caption: fmt.Sprintf("How the mean strength of partnerships drops when %s, and how fast it recovers: %d weeks before to %d weeks after the departure.",
				what, leaveBefore, leaveAfter),
		}
	}, "partnership_strength", "weeks since the departure", MetricLabel("partnership_strength").String(), "each point's first scheduled departure")
}

// eventAlign is the step a requested event plot aligns a point on: its
// first scheduled departure (as the standard plot), or when it has none
// its earliest scheduled event of any kind within the run (1 ≤ step <
// horizon), or -1.
func eventAlign(pd *pointData) int {
	if pd.leave >= 0 {
		return pd.leave
	}
	e := -1
	for _, ev := range pd.params.Events {
		if ev.Step >= 1 && ev.Step < pd.params.Horizon && (e < 0 || ev.Step < e) {
			e = ev.Step
		}
	}
	return e
}

// event is the requested event plot of m's metric: the metric from
// leaveBefore weeks before to leaveAfter weeks after each point's
// eventAlign step. It returns nil and the reason when no point has an
// event to align on; nil and "" when the standard departure plot
// already shows it.
func (v *view) event(m measure, drawn map[string]bool) (*figure, string) {
	departures, some := true, false
	for _, pd := range v.ds.points {
		if e := eventAlign(pd); e >= 0 {
			some = true
			departures = departures && e == pd.leave
		}
	}
	if !some {
		return nil, "no design point has a scheduled event within its run (from week 1 to before its horizon)" + eventHint
	}
	if m.metric == "partnership_strength" && departures && drawn["leave_partnership_strength"] {
		return nil, ""
	}
	word, fallback := "departure", "each point's first scheduled departure"
	if !departures {
		word, fallback = "event", "each point's first scheduled event"
	}
	return v.aroundEvent(eventAlign, func(what string) *figure {
		return &figure{
			name:  "event_" + m.metric,
			title: capitalize(MetricLabel(m.metric).Name) + " around the scheduled " + word,
			caption: fmt.Sprintf("Mean %s (%s) from %d weeks before to %d weeks after %s.",
				MetricLabel(m.metric).Name, MetricLabel(m.metric).Unit, leaveBefore, leaveAfter, what),
		}
	}, m.metric, "weeks since the "+word, MetricLabel(m.metric).String(), fallback), ""
}

// aroundEvent draws metric from leaveBefore weeks before to leaveAfter
// weeks after step align(pd) of each point that has one (align(pd) ≥
// 0), x = weeks since that step; fig names and titles the figure given
// the text that says what happens at week 0. It returns nil when no
// point has a step to align on.
func (v *view) aroundEvent(align func(*pointData) int, fig func(what string) *figure, metric, xLabel, yLabel, fallback string) *figure {
	var pts []*pointData
	for _, pd := range v.ds.points {
		if align(pd) >= 0 {
			pts = append(pts, pd)
		}
	}
	if len(pts) == 0 {
		return nil
	}
	shown, note := v.linePoints(pts)
	what := v.eventText(pts, align, fallback)
	f := fig(what)
	f.subtitle = "week 0: " + what + "; " + v.spread("bands") + note
	f.body = func(c draw.Canvas) error {
		p := newPlot(xLabel, yLabel)
		leg := newLegendBox(v.legendHeading(0))
		for i, pd := range shown {
			s := pd.series[metric]
			at := align(pd)
			from, to := max(at-leaveBefore, 0), min(at+leaveAfter+1, len(s))
			xs, mean, lo, hi := seriesColumns(s, from, to, at)
			line, band, err := addMeanWithBand(p, xs, mean, lo, hi, lineStyle(i), v.bands)
			if err != nil {
				return err
			}
			leg.add(v.valueLabel(pd, 0), lineThumbs(line, band)...)
		}
		p.Add(&eventMarker{})
		drawPlot(p, leg.splitRight(c))
		return nil
	}
	return f
}

// eventMarker draws a dashed vertical line at x = 0 across the plot.
type eventMarker struct{}

// Plot implements plot.Plotter.
func (eventMarker) Plot(c draw.Canvas, p *plot.Plot) {
	x, _ := p.Transforms(&c)
	xs := x(0)
	c.StrokeLine2(draw.LineStyle{Color: textGrey, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}},
		xs, c.Min.Y, xs, c.Max.Y)
}

// eventText describes the events the points are aligned on: the event
// at step align(pd) (a departure first), or fallback when the points are
// aligned on different events.
func (v *view) eventText(pts []*pointData, align func(*pointData) int, fallback string) string {
	var texts []string
	for _, pd := range pts {
		t := fallback
		at := align(pd)
		var found *sim.Event
		for i, e := range pd.params.Events {
			if e.Step == at && (found == nil || e.Kind == sim.Leave && found.Kind != sim.Leave) {
				found = &pd.params.Events[i]
			}
		}
		if found != nil {
			t = eventWords(found) + fmt.Sprintf(" (week %d)", found.Step)
		}
		if !slices.Contains(texts, t) {
			texts = append(texts, t)
		}
	}
	if len(texts) == 1 {
		return texts[0]
	}
	return fallback
}

// eventWords says what a scheduled event does in plain words: "the
// leader of parent_ed leaves", "food_bank joins the initiative",
// "community members engaged as co-producers is set to 0.5".
func eventWords(e *sim.Event) string {
	switch e.Kind {
	case sim.Leave:
		return personText(e.Who.Org, e.Who.Role.String(), e.Who.Index) + " leaves"
	case sim.Join:
		return e.Org + " joins the initiative"
	case sim.Exit:
		return e.Org + " leaves the initiative"
	case sim.Set:
		return ParamLabel(e.Param).Name + " is set to " + e.Value
	}
	return e.Kind.String()
}

// personText names a position in words: "the leader of parent_ed",
// "staff member 2 of food_bank", "every volunteer of youth_league".
func personText(org, role string, index int) string {
	noun := role
	if role == "staff" {
		noun = "staff member"
	}
	switch {
	case index < 0:
		return "every " + noun + " of " + org
	case index == 0:
		return "the " + noun + " of " + org
	default:
		return fmt.Sprintf("%s %d of %s", noun, index+1, org)
	}
}

// human formats x for people: thousands separated, about three
// significant digits below 1000.
func human(x float64) string {
	if !isFinite(x) {
		return "–"
	}
	if math.Abs(x) >= 999.5 {
		s := strconv.FormatFloat(math.Round(math.Abs(x)), 'f', 0, 64)
		var b strings.Builder
		if x < 0 {
			b.WriteByte('-')
		}
		for i, r := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	if math.Abs(x) < 1 {
		return strconv.FormatFloat(x, 'g', 3, 64)
	}
	s := strconv.FormatFloat(x, 'f', 3-digitsBeforePoint(x), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

func digitsBeforePoint(x float64) int {
	switch a := math.Abs(x); {
	case a >= 100:
		return 3
	case a >= 10:
		return 2
	default:
		return 1
	}
}
