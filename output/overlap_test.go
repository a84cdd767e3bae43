package output

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/scenarios"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// textBox is where a string was drawn, in points on the page.
type textBox struct {
	text                   string
	minX, minY, maxX, maxY float64
}

// affine is a 2-D affine transform: x' = a·x + b·y + c, y' = d·x + e·y + f.
type affine struct{ a, b, c, d, e, f float64 }

func (m affine) apply(x, y float64) (float64, float64) {
	return m.a*x + m.b*y + m.c, m.d*x + m.e*y + m.f
}

// then returns m followed by n in the local frame: m·n.
func (m affine) then(n affine) affine {
	return affine{
		a: m.a*n.a + m.b*n.d, b: m.a*n.b + m.b*n.e, c: m.a*n.c + m.b*n.f + m.c,
		d: m.d*n.a + m.e*n.d, e: m.d*n.b + m.e*n.e, f: m.d*n.c + m.e*n.f + m.f,
	}
}

// textRecorder is a vg.Canvas that draws nothing and records the box of
// every string drawn on it: the width of the text by the font's metrics,
// from its descent below the baseline to its ascent above, through the
// rotations and translations in force.
type textRecorder struct {
	m     affine
	stack []affine
	boxes []textBox
}

func newTextRecorder() *textRecorder { return &textRecorder{m: affine{a: 1, e: 1}} }

func (r *textRecorder) Size() (vg.Length, vg.Length)        { return figWidth, figHeight }
func (r *textRecorder) SetLineWidth(vg.Length)              {}
func (r *textRecorder) SetLineDash([]vg.Length, vg.Length)  {}
func (r *textRecorder) SetColor(color.Color)                {}
func (r *textRecorder) Stroke(vg.Path)                      {}
func (r *textRecorder) Fill(vg.Path)                        {}
func (r *textRecorder) DrawImage(vg.Rectangle, image.Image) {}
func (r *textRecorder) Push()                               { r.stack = append(r.stack, r.m) }
func (r *textRecorder) Pop() {
	r.m = r.stack[len(r.stack)-1]
	r.stack = r.stack[:len(r.stack)-1]
}
func (r *textRecorder) Rotate(rad float64) {
	s, c := math.Sincos(rad)
	r.m = r.m.then(affine{a: c, b: -s, d: s, e: c})
}
func (r *textRecorder) Translate(pt vg.Point) {
	r.m = r.m.then(affine{a: 1, e: 1, c: float64(pt.X), f: float64(pt.Y)})
}
func (r *textRecorder) Scale(x, y float64) { r.m = r.m.then(affine{a: x, e: y}) }

func (r *textRecorder) FillString(f font.Face, pt vg.Point, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	// The font's ascent and descent leave room for accents and for the
	// gap between lines: the lines of one wrapped text reach into each
	// other's by that much. Ink fills about the middle 80%.
	ext := f.Extents()
	x0, x1 := float64(pt.X), float64(pt.X+f.Width(text))
	inset := 0.1 * float64(ext.Ascent+ext.Descent)
	y0, y1 := float64(pt.Y-ext.Descent)+inset, float64(pt.Y+ext.Ascent)-inset
	b := textBox{text: text, minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	for _, c := range [][2]float64{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}} {
		x, y := r.m.apply(c[0], c[1])
		b.minX, b.maxX = math.Min(b.minX, x), math.Max(b.maxX, x)
		b.minY, b.maxY = math.Min(b.minY, y), math.Max(b.maxY, y)
	}
	r.boxes = append(r.boxes, b)
}

// overlapSlack is how far two boxes may overlap, in points.
const overlapSlack = 0.5

// overlaps lists every pair of strings whose boxes overlap by more than
// overlapSlack points both ways.
func overlaps(boxes []textBox) []string {
	var out []string
	for i := range boxes {
		for j := i + 1; j < len(boxes); j++ {
			a, b := boxes[i], boxes[j]
			dx := math.Min(a.maxX, b.maxX) - math.Max(a.minX, b.minX)
			dy := math.Min(a.maxY, b.maxY) - math.Max(a.minY, b.minY)
			if dx > overlapSlack && dy > overlapSlack {
				out = append(out, fmt.Sprintf("%q at (%.0f,%.0f)-(%.0f,%.0f) overlaps %q at (%.0f,%.0f)-(%.0f,%.0f)",
					a.text, a.minX, a.minY, a.maxX, a.maxY, b.text, b.minX, b.minY, b.maxX, b.maxY))
			}
		}
	}
	return out
}

// checkNoOverlap draws every figure of the batch in dir on a
// textRecorder and fails on any two strings that overlap, or a string
// that reaches out of the page.
func checkNoOverlap(t *testing.T, dir string) {
	t.Helper()
	man, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := loadFiles(man, filepath.Join(dir, runsName), filepath.Join(dir, aggregateName))
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := figures(ds)
	if len(fs) == 0 {
		t.Fatal("no figures")
	}
	for _, f := range fs {
		r := newTextRecorder()
		if err := f.paint(draw.New(r)); err != nil {
			t.Fatal(err)
		}
		if len(r.boxes) < 5 {
			t.Errorf("%s: only %d strings recorded", f.name, len(r.boxes))
		}
		for _, o := range overlaps(r.boxes) {
			t.Errorf("%s: %s", f.name, o)
		}
		for _, b := range r.boxes {
			if b.minX < -overlapSlack || b.minY < -overlapSlack || b.maxX > float64(figWidth)+overlapSlack || b.maxY > float64(figHeight)+overlapSlack {
				t.Errorf("%s: %q at (%.0f,%.0f)-(%.0f,%.0f) leaves the page", f.name, b.text, b.minX, b.minY, b.maxX, b.maxY)
			}
		}
	}
}

// TestOverlapDetector checks that the recorder sees overlapping labels:
// a test that measures nothing could never fail.
func TestOverlapDetector(t *testing.T) {
	f := &figure{name: "crowded", title: "Crowded", body: func(c draw.Canvas) error {
		p := newPlot("x", "y")
		p.X.Min, p.X.Max = 360000, 380000
		p.X.Tick.Marker = crowdedTicks{}
		p.Draw(c)
		return nil
	}}
	r := newTextRecorder()
	if err := f.paint(draw.New(r)); err != nil {
		t.Fatal(err)
	}
	if len(overlaps(r.boxes)) == 0 {
		t.Errorf("ticks every 1,000 from 360,000 to 380,000 on 8 inches do not overlap: %v", r.boxes)
	}
	r = newTextRecorder()
	f.body = func(c draw.Canvas) error {
		p := newPlot("x", "y")
		p.X.Min, p.X.Max = 360000, 380000
		drawPlot(p, c)
		return nil
	}
	if err := f.paint(draw.New(r)); err != nil {
		t.Fatal(err)
	}
	if o := overlaps(r.boxes); len(o) != 0 {
		t.Errorf("niceTicks over 360,000 to 380,000: %v", o)
	}
}

// crowdedTicks labels every 1,000.
type crowdedTicks struct{}

func (crowdedTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for v := min; v <= max; v += 1000 {
		ts = append(ts, plot.Tick{Value: v, Label: human(v)})
	}
	return ts
}

// TestFixturePlotsDoNotOverlap checks every plot kind that the fixtures
// draw.
func TestFixturePlotsDoNotOverlap(t *testing.T) {
	t.Parallel()
	for _, f := range []fixture{sweep2, strategies, single, sweep1, unsupported, sweep3} {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			checkNoOverlap(t, sharedBatch(t, f))
		})
	}
}

// bundledShort are the settings that keep each bundled scenario quick to
// run while every plot it draws is drawn: a horizon that still holds its
// scheduled events, two replicates (bands and error bars need them).
var bundledShort = map[string]map[string]string{
	"bench-city":             {"horizon": "8", "replicates": "1"},
	"co-production":          {"horizon": "12"},
	"default":                {"horizon": "12"},
	"every-level":            {"horizon": "108"}, // a leader leaves at week 104
	"funder-models":          {"horizon": "12"},
	"handoff":                {"horizon": "108"}, // a departure at week 104
	"investment-vs-turnover": {"horizon": "12"},
	"key-person-departure":   {"horizon": "56"}, // the departure at week 52
	"sensitivity":            {"horizon": "12", "replicates": "1"},
}

// TestBundledPlotsDoNotOverlap runs every bundled scenario, short, and
// checks that no two strings of any of its plots overlap: tick labels,
// legends, titles, cell values. It skips under -race and -short: it runs
// the simulation (about 7 s of CPU; many times that under -race), and .ci/run
// runs it once without -race.
func TestBundledPlotsDoNotOverlap(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs every bundled scenario (about 7 s of CPU, many times that under -race)")
	}
	for _, info := range scenarios.Bundled() {
		set, ok := bundledShort[info.Name]
		if !ok {
			t.Errorf("bundled scenario %s has no entry in bundledShort", info.Name)
			continue
		}
		t.Run(info.Name, func(t *testing.T) {
			sc, err := scenarios.Load(info.Name)
			if err != nil {
				t.Fatal(err)
			}
			if err := sc.Override("horizon", set["horizon"]); err != nil {
				t.Fatal(err)
			}
			plan, err := sc.Plan()
			if err != nil {
				t.Fatal(err)
			}
			plan.Replicates = 2
			if set["replicates"] == "1" {
				plan.Replicates = 1
			}
			dir := filepath.Join(t.TempDir(), "out")
			w, err := Create(dir, plan, Meta{Start: testStart})
			if err != nil {
				t.Fatal(err)
			}
			if err := batch.Execute(context.Background(), dir, plan, "overlap-test", batch.Options{Workers: 2}, w.Add); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(testStart.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			checkNoOverlap(t, dir)
		})
	}
}

// TestHeatmapColourBar checks that a heatmap's SVG draws its colour bar
// as vector steps at least 15 points wide, and embeds no image (gonum's
// ColorBar image showed as a hairline in SVG viewers).
func TestHeatmapColourBar(t *testing.T) {
	t.Parallel()
	svg := string(readFile(t, filepath.Join(sharedBatch(t, sweep2), plotsName, "heatmap_cumulative_results.svg")))
	if strings.Contains(svg, "<image") {
		t.Error("the heatmap SVG embeds an image")
	}
	// gonum's SVG writer labels the PNG data of an embedded image
	// image/jpg; with no image there is nothing mislabelled.
	if html := string(readFile(t, filepath.Join(sharedBatch(t, sweep2), reportName))); strings.Contains(html, "image/jpg") || strings.Contains(html, "<image") {
		t.Error("report.html embeds an image (labelled image/jpg)")
	}
	step := regexp.MustCompile(`<path d="M([0-9.]+),([0-9.]+)L([0-9.]+),([0-9.]+)L([0-9.]+),([0-9.]+)L([0-9.]+),([0-9.]+)Z" style="fill:(#[0-9A-Fa-f]{6})"`)
	colours := map[string]bool{}
	for _, m := range step.FindAllStringSubmatch(svg, -1) {
		x0, _ := strconv.ParseFloat(m[1], 64)
		x1, _ := strconv.ParseFloat(m[3], 64)
		y0, _ := strconv.ParseFloat(m[2], 64)
		y2, _ := strconv.ParseFloat(m[6], 64)
		if w, h := math.Abs(x1-x0), math.Abs(y2-y0); w >= 15 && h < 5 {
			colours[m[9]] = true
		}
	}
	if len(colours) < 100 {
		t.Errorf("%d colour steps at least 15 pt wide, want 100 or more", len(colours))
	}
}
