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

// Units of the plotted quantities (docs/MODEL.md §7.11-7.12).
const (
	resultsLabel    = "results (effective service hours/week)"
	cumulativeLabel = "cumulative results (effective service hours)"
	trustLabel      = "cross-organization trust (0-1)"
	strengthLabel   = "partnership strength (0-1, mean over pairs)"
	resetsLabel     = "partnership resets (per run)"
)

// Limits that keep plots readable; docs/OUTPUTS.md states them.
const (
	maxLines       = 7  // lines in a time-series plot
	maxRows        = 15 // rows in the comparison plot
	maxHeatmaps    = 6  // heatmap slices
	maxCellLabels  = 80 // heatmap cells that get their value written in
	leaveBefore    = 10 // weeks shown before a departure
	leaveAfter     = 52 // weeks shown after it
	heatmapBarSize = 1.25 * vg.Inch
)

// figures returns the figures the dataset calls for, in report order:
// which appear follows from what the plan sweeps, whether it has several
// points and whether it schedules a departure (docs/OUTPUTS.md, "plots/").
func figures(ds *dataset) []*figure {
	v := newView(ds)
	fs := []*figure{
		v.timeseries("timeseries_results", "results", "Initiative results over time", resultsLabel,
			"Weekly results of the initiative (effective service hours per week) for each "+v.pointWord()+": the line is the mean over replicates, the shaded band its 95% confidence interval."),
		v.timeseries("timeseries_cross_org_trust", "cross_org_trust", "Trust between organizations over time", trustLabel,
			"Mean trust on ties between people of different organizations (0 = none, 1 = complete)."),
	}
	if f := v.response(); f != nil {
		fs = append(fs, f)
	}
	fs = append(fs, v.heatmaps()...)
	if len(ds.points) >= 2 {
		fs = append(fs, v.comparison())
	}
	if f := v.leave(); f != nil {
		fs = append(fs, f)
	}
	return fs
}

// view holds what several figures share: short labels and wording.
type view struct {
	ds *dataset
	// shortSwept are the swept names cut to their shortest unique dotted
	// suffix.
	shortSwept []string
	// strategiesOnly is true when points differ only by strategy.
	strategiesOnly bool
	bands          bool
}

func newView(ds *dataset) *view {
	v := &view{ds: ds, shortSwept: shortNames(ds.man.Swept), bands: ds.man.Replicates > 1}
	v.strategiesOnly = len(ds.man.Swept) == 0 && len(ds.points) > 1
	return v
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

// pointWord names what a line or row stands for.
func (v *view) pointWord() string {
	if v.strategiesOnly {
		return "strategy"
	}
	return "design point"
}

// pointWords is the plural of pointWord.
func (v *view) pointWords() string {
	if v.strategiesOnly {
		return "strategies"
	}
	return "design points"
}

// spread says how the statistics were made, for subtitles.
func (v *view) spread(what string) string {
	r := v.ds.man.Replicates
	if !v.bands {
		return "one replicate per design point: lines without confidence " + what
	}
	return fmt.Sprintf("mean over %d replicates with 95%% confidence %s (Student t)", r, what)
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
	return out, fmt.Sprintf("; %d of %d %s shown: best, worst and evenly spaced ranks by cumulative results", maxLines, len(pts), v.pointWords())
}

// lineThumbs returns a legend entry's thumbnails: the band under the line.
func lineThumbs(line *plotter.Line, band *plotter.Polygon) []plot.Thumbnailer {
	if band == nil {
		return []plot.Thumbnailer{line}
	}
	return []plot.Thumbnailer{band, line}
}

// timeseries draws metric against week, one line per point.
func (v *view) timeseries(name, metric, title, yLabel, caption string) *figure {
	shown, note := v.linePoints(v.ds.points)
	return &figure{
		name: name, title: title, caption: caption,
		subtitle: v.spread("bands") + note,
		body: func(c draw.Canvas) error {
			p := newPlot("week", yLabel)
			leg := newLegendBox(v.legendHeading(0))
			for i, pd := range shown {
				xs, mean, lo, hi := seriesColumns(pd.series[metric], 0, len(pd.series[metric]), 0)
				sty := lineStyle(i)
				var band *plotter.Polygon
				if v.bands {
					band = addBand(p, xs, lo, hi, sty.Color)
				}
				line, err := addMeanLine(p, xs, mean, sty)
				if err != nil {
					return fmt.Errorf("%s: %w", pd.mp.Label, err)
				}
				leg.add(v.valueLabel(pd, 0), lineThumbs(line, band)...)
			}
			p.Draw(leg.splitRight(c))
			return nil
		},
	}
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

// axisLabel names swept parameter k with its unit.
func (v *view) axisLabel(k int) string {
	name := v.ds.man.Swept[k]
	p := v.ds.points[0].params
	if s, ok := p.Lookup(name); ok && s.Unit != "" {
		return name + " (" + s.Unit + ")"
	}
	return name
}

// sliceKey names what a heatmap holds fixed: the point's strategy and
// its swept values from from on, written name=value with short names.
func sliceKey(pd *pointData, from int, short []string) string {
	var parts []string
	if pd.mp.Strategy != "" {
		parts = append(parts, pd.mp.Strategy)
	}
	for i := from; i < len(pd.mp.Swept); i++ {
		parts = append(parts, short[i]+"="+pd.mp.Swept[i].Value)
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

// response draws cumulative results against the first swept parameter,
// one line per strategy and level of the other swept parameters, with
// the best value of each line ringed. It returns nil when there is no
// sweep, the first parameter takes a single value, or there are more
// lines than line styles.
func (v *view) response() *figure {
	if len(v.ds.man.Swept) == 0 {
		return nil
	}
	ax := v.axis(0)
	keys, members := v.groups(1)
	if len(ax.labels) < 2 || len(keys) > maxStyles {
		return nil
	}
	name := v.shortSwept[0]
	heading := v.legendHeading(1)
	single := len(keys) == 1
	return &figure{
		name:     "response_cumulative_results",
		title:    "Cumulative results by " + name,
		subtitle: v.spread("bands") + "; ring: the best " + name + " of each line",
		caption: fmt.Sprintf("Total results %s against %s. Each line holds everything else fixed; the ring marks the value with the highest mean.",
			v.horizonText(), v.ds.man.Swept[0]),
		body: func(c draw.Canvas) error {
			p := newPlot(v.axisLabel(0), cumulativeLabel)
			if ax.numbers == nil {
				p.X.Tick.Marker = categoryTicks(ax.labels)
			}
			leg := newLegendBox(heading)
			for i, k := range keys {
				pts := slices.Clone(members[k])
				sort.SliceStable(pts, func(a, b int) bool {
					return ax.pos(pts[a].mp.Swept[0].Value) < ax.pos(pts[b].mp.Swept[0].Value)
				})
				var xs, mean, lo, hi []float64
				best := 0
				for j, pd := range pts {
					xs = append(xs, ax.pos(pd.mp.Swept[0].Value))
					mean = append(mean, pd.cum.Mean)
					lo, hi = append(lo, pd.cum.Lo), append(hi, pd.cum.Hi)
					if pd.cum.Mean > mean[best] {
						best = j
					}
				}
				sty := lineStyle(i)
				var band *plotter.Polygon
				if v.bands {
					band = addBand(p, xs, lo, hi, sty.Color)
				}
				line, err := addMeanLine(p, xs, mean, sty)
				if err != nil {
					return err
				}
				dots, err := plotter.NewScatter(line.XYs)
				if err != nil {
					return err
				}
				dots.GlyphStyle = draw.GlyphStyle{Color: sty.Color, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
				ring, err := plotter.NewScatter(plotter.XYs{{X: xs[best], Y: mean[best]}})
				if err != nil {
					return err
				}
				ring.GlyphStyle = draw.GlyphStyle{Color: sty.Color, Radius: vg.Points(7), Shape: draw.RingGlyph{}}
				p.Add(dots, ring)
				label := k
				if single {
					label = "mean"
				}
				leg.add(label, lineThumbs(line, band)...)
			}
			ringThumb, _ := plotter.NewScatter(plotter.XYs{{}})
			ringThumb.GlyphStyle = draw.GlyphStyle{Color: textBlack, Radius: vg.Points(6), Shape: draw.RingGlyph{}}
			leg.add("best of line", ringThumb)
			p.Draw(leg.splitRight(c))
			return nil
		},
	}
}

// heatGrid is a GridXYZ over category positions.
type heatGrid struct{ z [][]float64 } // z[row][col]

func (g heatGrid) Dims() (c, r int)   { return len(g.z[0]), len(g.z) }
func (g heatGrid) Z(c, r int) float64 { return g.z[r][c] }
func (g heatGrid) X(c int) float64    { return float64(c) }
func (g heatGrid) Y(r int) float64    { return float64(r) }

// heatmaps draws mean cumulative results over the first two swept
// parameters, one heatmap per strategy and level of further swept
// parameters (at most maxHeatmaps), with a colour bar and the best cell
// outlined.
func (v *view) heatmaps() []*figure {
	if len(v.ds.man.Swept) < 2 {
		return nil
	}
	ax, ay := v.axis(0), v.axis(1)
	if len(ax.labels) < 2 || len(ay.labels) < 2 {
		return nil
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
			m := pd.cum.Mean
			z[r][c] = m
			if isFinite(m) {
				lo, hi = math.Min(lo, m), math.Max(hi, m)
				if bestR < 0 || m > z[bestR][bestC] {
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
		name := "heatmap_cumulative_results"
		if len(keys) > 1 {
			name += "_" + strconv.Itoa(n+1)
		}
		sub := fmt.Sprintf("mean %s over %d replicate(s); outlined: best cell (%s=%s, %s=%s)",
			v.horizonText(), v.ds.man.Replicates, v.shortSwept[0], ax.labels[bestC], v.shortSwept[1], ay.labels[bestR])
		title := "Cumulative results by " + v.shortSwept[0] + " and " + v.shortSwept[1]
		slice := sliceKey(members[k][0], 2, v.shortSwept)
		if slice != "" {
			sub = slice + ": " + sub
		}
		grid := heatGrid{z: z}
		fs = append(fs, &figure{
			name: name, title: title, subtitle: sub,
			caption: fmt.Sprintf("Mean total results for every combination of %s and %s%s; brighter is better, the outlined cell is the best.",
				v.ds.man.Swept[0], v.ds.man.Swept[1], strings.TrimSuffix(" ("+slice+")", " ()")),
			body: func(c draw.Canvas) error { return drawHeatmap(c, v, grid, ax, ay, lo, hi, bestC, bestR) },
		})
	}
	return fs
}

func drawHeatmap(c draw.Canvas, v *view, grid heatGrid, ax, ay axisValues, lo, hi float64, bestC, bestR int) error {
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
				m := grid.Z(col, r)
				if !isFinite(m) {
					continue
				}
				cc, _ := cm.At(m)
				txt := textStyle(10.5, false, textBlack)
				if luminance(cc) < 0.45 {
					txt.Color = whiteText
				}
				lab, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: float64(col), Y: float64(r)}}, Labels: []string{human(m)}})
				if err != nil {
					return err
				}
				txt.XAlign, txt.YAlign = draw.XCenter, draw.YCenter
				lab.TextStyle = []draw.TextStyle{txt}
				p.Add(lab)
			}
		}
	}
	cell := func(dx, dy float64) plotter.XYs {
		x, y := float64(bestC), float64(bestR)
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
	p.X.Min, p.X.Max = -0.5, float64(cols)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(rows)-0.5
	p.X.Padding, p.Y.Padding = 0, 0

	main := c
	main.Max.X -= heatmapBarSize
	p.Draw(main)

	bar := newPlot("", "mean "+cumulativeLabel)
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true, Colors: 256})
	bar.HideX()
	bar.X.Padding, bar.Y.Padding = 0, 0
	data := p.DataCanvas(main)
	col := c
	col.Min.X = c.Max.X - heatmapBarSize + vg.Points(14)
	col.Min.Y, col.Max.Y = data.Min.Y, data.Max.Y
	bar.Draw(col)
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
	return &figure{
		name:     "comparison",
		title:    strings.ToUpper(words[:1]) + words[1:] + " ranked by cumulative results",
		subtitle: v.spread("intervals") + "; best at the top" + note,
		caption: fmt.Sprintf("Each row is a %s, best first: on the left its total results %s, on the right how many partnerships it lost to departures. Bars are 95%% confidence intervals.",
			word, v.horizonText()),
		body: func(c draw.Canvas) error {
			n := len(rows)
			labels := make([]string, n)
			for i, pd := range rows {
				labels[n-1-i] = shorten(v.valueLabel(pd, 0), 38)
			}
			left := c
			left.Max.X = c.Min.X + (c.Max.X-c.Min.X)*0.64
			right := c
			right.Min.X = left.Max.X + vg.Points(10)
			for k, panel := range []struct {
				canvas draw.Canvas
				label  string
				stat   func(*pointData) summary
				colour int
			}{
				{left, cumulativeLabel, func(pd *pointData) summary { return pd.cum }, 3},
				{right, resetsLabel, func(pd *pointData) summary { return pd.resets }, 4},
			} {
				p := newPlot(panel.label, "")
				if k == 0 {
					p.Y.Label.Text = v.legendHeading(0)
				}
				ticks := categoryTicks(labels)
				if k == 1 {
					for i := range ticks {
						ticks[i].Label = ""
					}
				}
				p.Y.Tick.Marker = ticks
				p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
				var all, withCI errXY
				for i, pd := range rows {
					s := panel.stat(pd)
					y := float64(n - 1 - i)
					all.x, all.y = append(all.x, s.Mean), append(all.y, y)
					if v.bands && s.hasCI() {
						withCI.x, withCI.y = append(withCI.x, s.Mean), append(withCI.y, y)
						withCI.lo, withCI.hi = append(withCI.lo, s.Lo), append(withCI.hi, s.Hi)
					}
				}
				col := okabeIto[panel.colour]
				if withCI.Len() > 0 {
					bars, err := plotter.NewXErrorBars(withCI)
					if err != nil {
						return err
					}
					bars.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(2)}
					bars.CapWidth = vg.Points(6)
					p.Add(bars)
				}
				dots, err := plotter.NewScatter(xyPairs{all.x, all.y})
				if err != nil {
					return err
				}
				dots.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
				p.Add(dots)
				p.Draw(panel.canvas)
			}
			return nil
		},
	}
}

type xyPairs struct{ x, y []float64 }

func (p xyPairs) Len() int                    { return len(p.x) }
func (p xyPairs) XY(i int) (float64, float64) { return p.x[i], p.y[i] }

// leave draws partnership strength from leaveBefore weeks before each
// point's first scheduled departure to leaveAfter weeks after it, or
// returns nil when no point schedules one.
func (v *view) leave() *figure {
	var pts []*pointData
	for _, pd := range v.ds.points {
		if pd.leave >= 0 {
			pts = append(pts, pd)
		}
	}
	if len(pts) == 0 {
		return nil
	}
	shown, note := v.linePoints(pts)
	what := v.departureText(pts)
	return &figure{
		name:     "leave_partnership_strength",
		title:    "Partnership strength around the scheduled departure",
		subtitle: "week 0: " + what + "; " + v.spread("bands") + note,
		caption: fmt.Sprintf("How the mean strength of partnerships drops when %s, and how fast it recovers: %d weeks before to %d weeks after the departure.",
			what, leaveBefore, leaveAfter),
		body: func(c draw.Canvas) error {
			p := newPlot("weeks since the departure", strengthLabel)
			leg := newLegendBox(v.legendHeading(0))
			for i, pd := range shown {
				s := pd.series["partnership_strength"]
				from, to := max(pd.leave-leaveBefore, 0), min(pd.leave+leaveAfter+1, len(s))
				xs, mean, lo, hi := seriesColumns(s, from, to, pd.leave)
				sty := lineStyle(i)
				var band *plotter.Polygon
				if v.bands {
					band = addBand(p, xs, lo, hi, sty.Color)
				}
				line, err := addMeanLine(p, xs, mean, sty)
				if err != nil {
					return err
				}
				leg.add(v.valueLabel(pd, 0), lineThumbs(line, band)...)
			}
			p.Add(&eventMarker{})
			p.Draw(leg.splitRight(c))
			return nil
		},
	}
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

// departureText describes the departures the leave plot is aligned on.
func (v *view) departureText(pts []*pointData) string {
	var texts []string
	for _, pd := range pts {
		t := "each point's first scheduled departure"
		for _, e := range pd.params.Events {
			if e.Step == pd.leave && e.Kind == sim.Leave {
				t = fmt.Sprintf("%s leaves (week %d)", personText(e.Who.Org, e.Who.Role.String(), e.Who.Index), e.Step)
				break
			}
		}
		if !slices.Contains(texts, t) {
			texts = append(texts, t)
		}
	}
	if len(texts) == 1 {
		return texts[0]
	}
	return "each point's first scheduled departure"
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
