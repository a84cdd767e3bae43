package output

// Small drawing helpers that gonum/plot lacks: a figure with a title,
// subtitle and a legend beside the plot, confidence bands, categorical
// axes and a viridis colour map.

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Every figure is 8 × 5 inches, a size that reads well on a slide; PNGs
// have 150 dots per inch: 1200 × 750 pixels.
const (
	figWidth  = 8 * vg.Inch
	figHeight = 5 * vg.Inch
	pngDPI    = 150
)

// okabeIto is the colour-blind-safe palette of Okabe and Ito (2008)
// without its yellow, which does not show as a line on white.
var okabeIto = []color.NRGBA{
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0x00, 0x00, 0x00, 0xFF}, // black
}

// lineDashes are the dash patterns cycled after all colours are used, so
// that up to 3 × 7 lines stay distinguishable.
var lineDashes = [][]vg.Length{nil, {vg.Points(7), vg.Points(3)}, {vg.Points(2), vg.Points(2)}}

// maxStyles is the number of distinguishable line styles.
var maxStyles = len(okabeIto) * len(lineDashes)

// lineStyle returns the style of the i-th line of a plot.
func lineStyle(i int) draw.LineStyle {
	return draw.LineStyle{
		Color:  okabeIto[i%len(okabeIto)],
		Width:  vg.Points(2),
		Dashes: lineDashes[(i/len(okabeIto))%len(lineDashes)],
	}
}

// translucent returns c with the given opacity, for confidence bands.
func translucent(c color.Color, alpha float64) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(math.Round(alpha * 255))}
}

var (
	textBlack = color.Gray{Y: 0x20}
	textGrey  = color.Gray{Y: 0x55}
	gridGrey  = color.Gray{Y: 0xE0}
	whiteText = color.White
)

// sans returns the Liberation Sans font at size points.
func sans(size float64, bold bool) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(size)}
	if bold {
		f.Weight = xfont.WeightBold
	}
	return f
}

func textStyle(size float64, bold bool, c color.Color) text.Style {
	return text.Style{Color: c, Font: sans(size, bold), Handler: plot.DefaultTextHandler}
}

// newPlot returns a plot with slide-sized sans-serif text, axis labels
// and a light grid.
func newPlot(xLabel, yLabel string) *plot.Plot {
	p := newBarePlot(xLabel, yLabel)
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridGrey, gridGrey
	p.Add(g)
	return p
}

// newBarePlot is newPlot without the grid.
func newBarePlot(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		// Keep gonum's alignment and rotation of axis texts; change only
		// their font and colour.
		ax.Label.TextStyle.Font = sans(12, false)
		ax.Label.TextStyle.Color = textBlack
		ax.Label.Padding = vg.Points(4)
		ax.Tick.Label.Font = sans(10.5, false)
		ax.Tick.Label.Color = textBlack
		ax.Tick.Marker = niceTicks{}
	}
	return p
}

// niceTicks puts about six major ticks at round numbers (1, 2 or 5
// times a power of ten) labelled as people write them, with a minor
// tick between each two. When length, the length of the axis, is known
// (drawPlot sets it), it takes fewer, wider-spaced ticks where their
// labels would otherwise touch: along a horizontal axis each label needs
// its width and a gap, along a vertical one a line of text and a gap.
type niceTicks struct {
	length     vg.Length
	horizontal bool
}

// tickGap is the least free space between two tick labels.
var tickGap = vg.Points(8)

// tickFont is the style of tick labels (newPlot).
var tickFont = textStyle(10.5, false, textBlack)

// Ticks implements plot.Ticker.
func (t niceTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || !isFinite(min) || !isFinite(max) {
		return []plot.Tick{{Value: min, Label: human(min)}}
	}
	// Of the round steps from a tenth of the range up, take the one that
	// gives the number of ticks closest to six (fewer on a tie) among
	// those whose labels fit; the coarsest when none does.
	mag := math.Pow(10, math.Floor(math.Log10((max-min)/10)))
	step, coarsest := 0.0, 0.0
	best := math.Inf(1)
	for _, m := range []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000} {
		s := m * mag
		n := math.Floor(max/s+1e-9) - math.Ceil(min/s-1e-9) + 1
		if n < 2 && coarsest != 0 {
			break
		}
		coarsest = s
		if !t.fits(min, max, s) {
			continue
		}
		if d := math.Abs(n - 6); d < best {
			step, best = s, d
		}
	}
	if step == 0 {
		step = coarsest
	}
	var ticks []plot.Tick
	for i := math.Ceil(min/step - 1e-9); i*step <= max+step*1e-9; i++ {
		v := i * step
		switch { // i·step is off by rounding; keep ticks at the ends inside
		case math.Abs(v) < step*1e-9:
			v = 0
		case v > max:
			v = max
		case v < min:
			v = min
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: tickLabel(v, step)})
		if half := v + step/2; half <= max {
			ticks = append(ticks, plot.Tick{Value: half})
		}
	}
	if first := math.Ceil(min/step-1e-9)*step - step/2; first >= min {
		ticks = append([]plot.Tick{{Value: first}}, ticks...)
	}
	return ticks
}

// fits reports whether the labels of ticks every step from min to max
// leave tickGap between each other on an axis of t.length (always, when
// the length is not known).
func (t niceTicks) fits(min, max, step float64) bool {
	if t.length <= 0 {
		return true
	}
	space := t.length * vg.Length(step/(max-min))
	if !t.horizontal {
		return space >= tickFont.Height("0")+tickGap
	}
	// Neighbouring labels are centred on their ticks: each pair needs
	// half of each label's width.
	prev := vg.Length(-1)
	for i := math.Ceil(min/step - 1e-9); i*step <= max+step*1e-9; i++ {
		w := tickFont.Width(tickLabel(i*step, step))
		if prev >= 0 && (prev+w)/2+tickGap > space {
			return false
		}
		prev = w
	}
	return true
}

// drawPlot draws p on c, first breaking long axis labels into lines and
// telling the axes that use niceTicks how long they are, so that no
// labels overlap. The layout depends on the labels, so it is measured
// twice.
func drawPlot(p *plot.Plot, c draw.Canvas) {
	// An axis label longer than its side would push the data aside:
	// break it into lines that fit (the y label runs along the height).
	p.X.Label.Text = wrap(p.X.Label.Text, p.X.Label.TextStyle, c.Max.X-c.Min.X-vg.Points(60))
	p.Y.Label.Text = wrap(p.Y.Label.Text, p.Y.Label.TextStyle, c.Max.Y-c.Min.Y-vg.Points(30))
	if ct, ok := p.X.Tick.Marker.(plot.ConstantTicks); ok {
		fitCategories(p, ct, p.DataCanvas(c))
	}
	for range 2 {
		dc := p.DataCanvas(c)
		if _, ok := p.X.Tick.Marker.(niceTicks); ok {
			p.X.Tick.Marker = niceTicks{length: dc.Max.X - dc.Min.X, horizontal: true}
		}
		if _, ok := p.Y.Tick.Marker.(niceTicks); ok {
			p.Y.Tick.Marker = niceTicks{length: dc.Max.Y - dc.Min.Y}
		}
	}
	p.Draw(c)
}

// fitCategories makes the labels of a categorical x axis fit between
// their ticks on the data canvas dc: as they are when they do; else
// each broken into lines as wide as the space between ticks; else, when
// a single word is still too wide, written upwards, one line each.
func fitCategories(p *plot.Plot, ct plot.ConstantTicks, dc draw.Canvas) {
	var xs []float64
	for _, t := range ct {
		if t.Label != "" {
			xs = append(xs, t.Value)
		}
	}
	if len(xs) < 2 || !(p.X.Max > p.X.Min) {
		return
	}
	space := vg.Length(math.Inf(1))
	for i := 1; i < len(xs); i++ {
		space = min(space, (dc.Max.X-dc.Min.X)*vg.Length(math.Abs(xs[i]-xs[i-1])/(p.X.Max-p.X.Min)))
	}
	sty := p.X.Tick.Label
	fits := func(labels plot.ConstantTicks) bool {
		for _, t := range labels {
			for _, line := range strings.Split(t.Label, "\n") {
				if sty.Width(line)+tickGap > space {
					return false
				}
			}
		}
		return true
	}
	if fits(ct) {
		return
	}
	wrapped := make(plot.ConstantTicks, len(ct))
	for i, t := range ct {
		wrapped[i] = plot.Tick{Value: t.Value, Label: wrap(t.Label, sty, space-tickGap)}
	}
	if fits(wrapped) {
		p.X.Tick.Marker = wrapped
		return
	}
	p.X.Tick.Label.Rotation = math.Pi / 2
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
}

// tickLabel writes a tick value with as many decimals as the step
// between ticks needs, and thousands separated.
func tickLabel(v, step float64) string {
	if step >= 1 || v == 0 {
		return human(math.Round(v))
	}
	s := strconv.FormatFloat(v, 'f', int(-math.Floor(math.Log10(step)+1e-9)), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if math.Abs(v) >= 999.5 {
		whole, frac, _ := strings.Cut(s, ".")
		s = human(mustAtof(whole))
		if frac != "" {
			s += "." + frac
		}
	}
	return s
}

func mustAtof(s string) float64 {
	x, _ := strconv.ParseFloat(s, 64)
	return x
}

// wrap breaks s into lines no wider than width in style sty.
func wrap(s string, sty text.Style, width vg.Length) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if line != "" && sty.Width(try) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// figure is one picture: a title and subtitle over a body that draws the
// plots, legends and colour bars.
type figure struct {
	// name is the file name in plots/, without extension.
	name     string
	title    string
	subtitle string
	// caption says in plain words what the figure shows (report.html).
	caption string
	body    func(c draw.Canvas) error
}

// plotFile is a rendered file of plots/.
type plotFile struct {
	name string
	data []byte
}

// pngEncoder writes the PNG files with zlib's fastest setting: encoding
// took most of the time to draw the figures at the default setting, and
// the files are about a third larger.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed}

// renderPNG draws the figure as PNG.
func (f *figure) renderPNG() ([]byte, error) {
	img := vgimg.NewWith(vgimg.UseWH(figWidth, figHeight), vgimg.UseDPI(pngDPI))
	if err := f.paint(draw.New(img)); err != nil {
		return nil, err
	}
	var pb bytes.Buffer
	if err := pngEncoder.Encode(&pb, img.Image()); err != nil {
		return nil, fmt.Errorf("plot %s: png: %w", f.name, err)
	}
	return pb.Bytes(), nil
}

// renderSVG draws the figure as SVG.
func (f *figure) renderSVG() ([]byte, error) {
	svg := vgsvg.New(figWidth, figHeight)
	if err := f.paint(draw.New(svg)); err != nil {
		return nil, err
	}
	var sb bytes.Buffer
	if _, err := svg.WriteTo(&sb); err != nil {
		return nil, fmt.Errorf("plot %s: svg: %w", f.name, err)
	}
	return sb.Bytes(), nil
}

// paint draws the figure on c. gonum/plot panics on some inputs it
// cannot draw; paint turns that into an error naming the figure.
func (f *figure) paint(c draw.Canvas) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plot %s: %v", f.name, r)
		}
	}()
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	pad := vg.Points(11)
	x, y := c.Min.X+pad, c.Max.Y-pad
	title := textStyle(15, true, textBlack)
	title.YAlign = draw.YTop
	head := wrap(f.title, title, c.Max.X-c.Min.X-2*pad)
	c.FillText(title, vg.Point{X: x, Y: y}, head)
	y -= title.Height(head) + vg.Points(3)
	if f.subtitle != "" {
		sub := textStyle(10.5, false, textGrey)
		sub.YAlign = draw.YTop
		lines := wrap(f.subtitle, sub, c.Max.X-c.Min.X-2*pad)
		c.FillText(sub, vg.Point{X: x, Y: y}, lines)
		y -= sub.Height(lines)
	}
	body := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: c.Min.X + pad, Y: c.Min.Y + pad},
		Max: vg.Point{X: c.Max.X - pad, Y: y - vg.Points(6)},
	}}
	if err := f.body(body); err != nil {
		return fmt.Errorf("plot %s: %w", f.name, err)
	}
	return nil
}

// legendBox is a legend drawn beside a plot rather than over its data.
type legendBox struct {
	heading string
	leg     plot.Legend
}

func newLegendBox(heading string) *legendBox {
	l := &legendBox{heading: heading, leg: plot.NewLegend()}
	l.leg.TextStyle = textStyle(10, false, textBlack)
	l.leg.Top, l.leg.Left = true, true
	l.leg.ThumbnailWidth = vg.Points(24)
	l.leg.Padding = vg.Points(2)
	return l
}

// add adds an entry; long labels are shortened so the plot keeps most of
// the width.
func (l *legendBox) add(label string, thumbs ...plot.Thumbnailer) {
	l.leg.Add(shorten(label, 42), thumbs...)
}

func (l *legendBox) headingStyle() text.Style { return textStyle(10, true, textBlack) }

// width is the legend's width on c, heading included.
func (l *legendBox) width(c draw.Canvas) vg.Length {
	r := l.leg.Rectangle(c)
	w := r.Max.X - r.Min.X
	if hw := l.headingStyle().Width(l.wrappedHeading(w)); hw > w {
		w = hw
	}
	return w
}

// wrappedHeading is the heading broken into lines about as wide as the
// entries (at least 1.6 inches).
func (l *legendBox) wrappedHeading(entries vg.Length) string {
	return wrap(l.heading, l.headingStyle(), max(entries, 1.6*vg.Inch))
}

// splitRight draws the legend in a column at the right of c and returns
// the rest of c for the plot.
func (l *legendBox) splitRight(c draw.Canvas) draw.Canvas {
	w := l.width(c)
	r := l.leg.Rectangle(c)
	heading := l.wrappedHeading(r.Max.X - r.Min.X)
	col := c
	col.Min.X = c.Max.X - w
	col.Max.Y -= vg.Points(4)
	if l.heading != "" {
		hs := l.headingStyle()
		hs.YAlign = draw.YTop
		col.FillText(hs, vg.Point{X: col.Min.X, Y: col.Max.Y}, heading)
		col.Max.Y -= hs.Height(heading) + vg.Points(3)
	}
	l.leg.Draw(col)
	rest := c
	rest.Max.X = col.Min.X - vg.Points(12)
	return rest
}

// shorten cuts s to at most n runes, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// addMeanLine adds the line through the finite (x, y) points.
func addMeanLine(p *plot.Plot, xs, ys []float64, sty draw.LineStyle) (*plotter.Line, error) {
	var pts plotter.XYs
	for i := range xs {
		if isFinite(xs[i]) && isFinite(ys[i]) {
			pts = append(pts, plotter.XY{X: xs[i], Y: ys[i]})
		}
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	l.LineStyle = sty
	p.Add(l)
	if len(pts) == 1 { // a line through one point is invisible: mark it
		dot, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		dot.GlyphStyle = draw.GlyphStyle{Color: sty.Color, Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}}
		p.Add(dot)
	}
	return l, nil
}

// addMeanWithBand draws a mean line in sty over its 95% band (when bands
// is true; nil band otherwise) and returns both for the legend.
func addMeanWithBand(p *plot.Plot, xs, mean, lo, hi []float64, sty draw.LineStyle, bands bool) (*plotter.Line, *plotter.Polygon, error) {
	var band *plotter.Polygon
	if bands {
		band = addBand(p, xs, lo, hi, sty.Color)
	}
	line, err := addMeanLine(p, xs, mean, sty)
	return line, band, err
}

// addBand adds a translucent band between lo and hi over each stretch of
// x where both are defined, and returns it for the legend (nil when no
// point has a band).
func addBand(p *plot.Plot, xs, lo, hi []float64, c color.Color) *plotter.Polygon {
	var first *plotter.Polygon
	flush := func(pts plotter.XYs) {
		if len(pts) < 4 {
			return
		}
		poly, err := plotter.NewPolygon(pts)
		if err != nil {
			return
		}
		poly.Color = translucent(c, 0.22)
		poly.LineStyle.Width = 0
		p.Add(poly)
		if first == nil {
			first = poly
		}
	}
	start := -1
	for i := 0; i <= len(xs); i++ {
		ok := i < len(xs) && isFinite(xs[i]) && isFinite(lo[i]) && isFinite(hi[i])
		if ok && start < 0 {
			start = i
		}
		if !ok && start >= 0 {
			var pts plotter.XYs
			for j := start; j < i; j++ {
				pts = append(pts, plotter.XY{X: xs[j], Y: lo[j]})
			}
			for j := i - 1; j >= start; j-- {
				pts = append(pts, plotter.XY{X: xs[j], Y: hi[j]})
			}
			flush(pts)
			start = -1
		}
	}
	return first
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// categoryTicks labels the integer positions 0..len(labels)-1 of an axis
// with labels: the axis of a categorical or unevenly spaced variable.
func categoryTicks(labels []string) plot.ConstantTicks {
	t := make(plot.ConstantTicks, len(labels))
	for i, l := range labels {
		t[i] = plot.Tick{Value: float64(i), Label: l}
	}
	return t
}

// viridis is the perceptually uniform, colour-blind-safe viridis colour
// map (van der Walt and Smith, matplotlib), sampled at eleven stops and
// interpolated linearly. It implements palette.ColorMap.
type viridis struct {
	min, max, alpha float64
}

var viridisStops = []color.NRGBA{
	{0x44, 0x01, 0x54, 0xFF}, {0x48, 0x24, 0x75, 0xFF}, {0x41, 0x44, 0x87, 0xFF},
	{0x35, 0x5f, 0x8d, 0xFF}, {0x2a, 0x78, 0x8e, 0xFF}, {0x21, 0x91, 0x8c, 0xFF},
	{0x22, 0xa8, 0x84, 0xFF}, {0x44, 0xbf, 0x70, 0xFF}, {0x7a, 0xd1, 0x51, 0xFF},
	{0xbd, 0xdf, 0x26, 0xFF}, {0xfd, 0xe7, 0x25, 0xFF},
}

func newViridis(min, max float64) *viridis { return &viridis{min: min, max: max, alpha: 1} }

// At returns the colour of v.
func (m *viridis) At(v float64) (color.Color, error) {
	if v < m.min || v > m.max || math.IsNaN(v) {
		return nil, palette.ErrOverflow
	}
	f := 0.0
	if m.max > m.min {
		f = (v - m.min) / (m.max - m.min)
	}
	pos := f * float64(len(viridisStops)-1)
	i := int(pos)
	if i >= len(viridisStops)-1 {
		i = len(viridisStops) - 2
	}
	t := pos - float64(i)
	a, b := viridisStops[i], viridisStops[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + t*(float64(y)-float64(x)))) }
	return color.NRGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: uint8(math.Round(m.alpha * 255))}, nil
}

// Max returns the value of the last colour.
func (m *viridis) Max() float64 { return m.max }

// SetMax sets the value of the last colour.
func (m *viridis) SetMax(v float64) { m.max = v }

// Min returns the value of the first colour.
func (m *viridis) Min() float64 { return m.min }

// SetMin sets the value of the first colour.
func (m *viridis) SetMin(v float64) { m.min = v }

// Alpha returns the opacity.
func (m *viridis) Alpha() float64 { return m.alpha }

// SetAlpha sets the opacity.
func (m *viridis) SetAlpha(a float64) {
	if a < 0 || a > 1 {
		panic("output: viridis alpha outside [0, 1]")
	}
	m.alpha = a
}

// Palette returns n evenly spaced colours of the map.
func (m *viridis) Palette(n int) palette.Palette {
	cs := make([]color.Color, n)
	for i := range cs {
		v := m.min
		if n > 1 {
			v = m.min + (m.max-m.min)*float64(i)/float64(n-1)
		}
		cs[i], _ = m.At(v)
	}
	return colors(cs)
}

type colors []color.Color

func (c colors) Colors() []color.Color { return c }

// luminance returns the relative luminance of c in [0, 1], to choose
// black or white text over a coloured cell.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xFFFF
}

// colourBar draws a vertical colour bar of cm as filled rectangles, one
// per colour step, over x in [0, 1] and y in [cm.Min, cm.Max]. gonum's
// ColorBar draws a one-pixel-wide image instead, which SVG viewers scale
// by its aspect ratio into a hairline; rectangles look the same in PNG
// and SVG, and embed no image.
type colourBar struct {
	cm    palette.ColorMap
	steps int
}

// Plot implements plot.Plotter.
func (b colourBar) Plot(c draw.Canvas, p *plot.Plot) {
	x, y := p.Transforms(&c)
	lo, hi := b.cm.Min(), b.cm.Max()
	d := (hi - lo) / float64(b.steps)
	for i := range b.steps {
		v0, v1 := lo+d*float64(i), lo+d*float64(i+1)
		col, err := b.cm.At(math.Min(v0+d/2, hi))
		if err != nil {
			continue
		}
		// Each step overlaps the next by a little, so that no seam of
		// background shows between them when a viewer smooths edges.
		top := y(v1)
		if i < b.steps-1 {
			top += vg.Points(0.3)
		}
		r := vg.Rectangle{Min: vg.Point{X: x(0), Y: y(v0)}, Max: vg.Point{X: x(1), Y: top}}
		c.SetColor(col)
		c.Fill(r.Path())
	}
}

// DataRange implements plot.DataRanger.
func (b colourBar) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, 1, b.cm.Min(), b.cm.Max()
}
