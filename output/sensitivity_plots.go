package output

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/trustsim/trustsim/sensitivity"
)

// sensitivityFigures are the figures of a sampled design's analysis: per
// strategy and reported metric, the indices with their 95% intervals
// (Sobol' indices, or rank correlations for Latin hypercube and Monte
// Carlo designs), or Morris's μ* against σ.
func sensitivityFigures(st *sensStudy) []*figure {
	var fs []*figure
	for gi, g := range st.groups {
		for _, m := range g.metrics {
			if !containsString(reportedMetrics, m.metric) {
				continue
			}
			name := "sensitivity_" + m.metric
			if len(st.groups) > 1 {
				name += fmt.Sprintf("_strategy%d", gi+1)
			}
			what := RunColumnLabel(m.metric).Name
			if g.strategy != "" {
				what += ", " + g.strategy
			}
			if st.sample.Method == string(sensitivity.Morris) {
				fs = append(fs, morrisFigure(name, what, st, m))
			} else {
				fs = append(fs, indexFigure(name, what, st, m))
			}
		}
	}
	return fs
}

// indexFigure draws one row per parameter, the most influential at the
// top: first-order (S1) and total (ST) Sobol' indices, or the rank
// correlation, each with its bootstrap 95% interval.
func indexFigure(name, what string, st *sensStudy, m sensMetric) *figure {
	sobol := st.sample.Method == string(sensitivity.SobolMethod)
	lead := ranked(m.indices, leadMeasure(st.sample.Method))
	n := len(lead)
	title, xLabel := "Which conditions drive "+what, "Spearman rank correlation with the result"
	caption := fmt.Sprintf("Each row is a sampled condition, the one most associated with %s at the top: the rank correlation of its value with the result over the %d design points, with its bootstrap 95%% interval.", what, len(m.indices))
	measures := []string{sensitivity.RankCorrelation}
	if sobol {
		xLabel = "share of the result's variance"
		measures = []string{sensitivity.FirstOrder, sensitivity.Total}
		caption = fmt.Sprintf("Each row is a sampled condition, the most influential on %s at the top. Orange: the share of the variance of the result (mean over replicates) that the condition explains alone (first-order Sobol' index S1); blue: alone and through interactions with the others (total index ST). Bars are bootstrap 95%% intervals.", what)
	}
	sub := fmt.Sprintf("%s; replicate noise is %s of the variance of single runs", methodPhrase(st), pctIndex(m.noise))
	return &figure{
		name: name, title: title, subtitle: sub, caption: caption,
		body: func(c draw.Canvas) error {
			labels := make([]string, n)
			for i, x := range lead {
				labels[n-1-i] = shorten(paramName(x.Param), 38)
			}
			p := newPlot(xLabel, "")
			p.Y.Tick.Marker = categoryTicks(labels)
			p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
			leg := newLegendBox("estimate")
			for k, measure := range measures {
				var pts, ci errXY
				for i, x := range lead {
					e := find(m.indices, measure, x.Param)
					y := float64(n-1-i) + 0.15*(float64(k)-0.5*float64(len(measures)-1))
					pts.x, pts.y = append(pts.x, e.Value), append(pts.y, y)
					if !math.IsNaN(e.Low) {
						ci.x, ci.y = append(ci.x, e.Value), append(ci.y, y)
						ci.lo, ci.hi = append(ci.lo, e.Low), append(ci.hi, e.High)
					}
				}
				col := okabeIto[[]int{0, 3}[k]]
				if ci.Len() > 0 {
					bars, err := plotter.NewXErrorBars(ci)
					if err != nil {
						return err
					}
					bars.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(2)}
					bars.CapWidth = vg.Points(5)
					p.Add(bars)
				}
				dots, err := plotter.NewScatter(xyPairs{pts.x, pts.y})
				if err != nil {
					return err
				}
				dots.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
				p.Add(dots)
				leg.add(measureWords[measure], dots)
			}
			if sobol {
				p.X.Min = math.Min(0, p.X.Min)
			} else {
				p.X.Min, p.X.Max = math.Min(-0.1, p.X.Min), math.Max(0.1, p.X.Max)
			}
			drawPlot(p, leg.splitRight(c))
			return nil
		},
	}
}

// measureWords name the measures in legends.
var measureWords = map[string]string{
	sensitivity.FirstOrder:      "alone (S1)",
	sensitivity.Total:           "with interactions (ST)",
	sensitivity.RankCorrelation: "rank correlation",
}

// morrisFigure draws each parameter at (μ*, σ): far right matters, high
// up interacts or acts nonlinearly; the line σ = μ* separates effects
// that keep their size from those that vary with the other conditions.
func morrisFigure(name, what string, st *sensStudy, m sensMetric) *figure {
	unit := RunColumnLabel(m.metric).Unit
	return &figure{
		name:     name,
		title:    "Which conditions drive " + what,
		subtitle: fmt.Sprintf("%s; replicate noise is %s of the variance of single runs", methodPhrase(st), pctIndex(m.noise)),
		caption: fmt.Sprintf("Each dot is a sampled condition: to the right, a step across its range moves %s more on average (μ*, the mean absolute elementary effect); higher up, the effect varies more with the other conditions (σ). Dots above the dashed line σ = μ* act mostly through interactions or nonlinearly.",
			what),
		body: func(c draw.Canvas) error {
			stars := ranked(m.indices, sensitivity.MuStar)
			var xs, ys []float64
			top := 0.0
			for _, x := range stars {
				s := find(m.indices, sensitivity.Sigma, x.Param)
				xs, ys = append(xs, x.Value), append(ys, s.Value)
				top = math.Max(top, math.Max(x.Value, s.Value))
			}
			if top == 0 {
				top = 1
			}
			axis := "μ*, mean absolute effect of a step"
			if unit != "" {
				axis += " (" + unit + ")"
			}
			p := newPlot(axis, "σ, spread of the effects")
			p.X.Min, p.Y.Min, p.X.Max, p.Y.Max = 0, 0, top*1.1, top*1.1
			diag, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: top * 1.1, Y: top * 1.1}})
			if err != nil {
				return err
			}
			diag.LineStyle = draw.LineStyle{Color: textGrey, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
			p.Add(diag)
			dots, err := plotter.NewScatter(xyPairs{xs, ys})
			if err != nil {
				return err
			}
			dots.GlyphStyle = draw.GlyphStyle{Color: okabeIto[3], Radius: vg.Points(4.5), Shape: draw.CircleGlyph{}}
			p.Add(dots)
			// Dots carry their rank; the names are listed beside the plot,
			// so that long names near each other do not overprint. Dots
			// within 4% of the axes of a labelled one share its label
			// ("10, 11, 12"), as inert parameters pile up at the origin.
			var lxy plotter.XYs
			var lt []string
			near := 0.04 * top * 1.1
			for i := range stars {
				j := slices.IndexFunc(lxy, func(q plotter.XY) bool {
					return math.Abs(q.X-xs[i]) < near && math.Abs(q.Y-ys[i]) < near
				})
				if j >= 0 {
					lt[j] += ", " + strconv.Itoa(i+1)
					continue
				}
				lxy = append(lxy, plotter.XY{X: xs[i], Y: ys[i]})
				lt = append(lt, strconv.Itoa(i+1))
			}
			labels, err := plotter.NewLabels(plotter.XYLabels{XYs: lxy, Labels: lt})
			if err != nil {
				return err
			}
			for i := range labels.TextStyle {
				labels.TextStyle[i] = textStyle(9, true, textBlack)
				labels.TextStyle[i].XAlign = draw.XCenter
			}
			labels.Offset = vg.Point{Y: vg.Points(6)}
			p.Add(labels)
			key := textStyle(9.5, false, textBlack)
			key.YAlign = draw.YTop
			head := textStyle(10, true, textBlack)
			head.YAlign = draw.YTop
			col := 2.75 * vg.Inch
			plotArea := c
			plotArea.Max.X -= col + vg.Points(8)
			x, y := c.Max.X-col, c.Max.Y
			c.FillText(head, vg.Point{X: x, Y: y}, "condition, by μ*")
			y -= head.Height("x") + vg.Points(4)
			for i, st := range stars {
				line := fmt.Sprintf("%d  %s", i+1, shorten(paramName(st.Param), 38))
				c.FillText(key, vg.Point{X: x, Y: y}, line)
				y -= key.Height(line) + vg.Points(2)
			}
			c = plotArea
			drawPlot(p, c)
			return nil
		},
	}
}

// methodPhrase names the design in a subtitle.
func methodPhrase(st *sensStudy) string {
	s := st.sample
	switch sensitivity.Method(s.Method) {
	case sensitivity.SobolMethod:
		return fmt.Sprintf("Sobol' indices from %d base samples", s.Size)
	case sensitivity.Morris:
		return fmt.Sprintf("Morris elementary effects from %d trajectories", s.Size)
	case sensitivity.LatinHypercube:
		return fmt.Sprintf("Latin hypercube of %d points", s.Size)
	}
	return fmt.Sprintf("%d random points", s.Size)
}
