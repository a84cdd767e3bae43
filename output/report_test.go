package output

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReportContent(t *testing.T) {
	t.Parallel()
	html := string(readFile(t, filepath.Join(sharedBatch(t, sweep2), reportName)))
	for _, want := range []string{
		"<!DOCTYPE html>",
		// No question: the description's first line stands in.
		`<p class="question">Hand-built results for tests of package output.</p>`,
		"Working time for relationship building (share of hours), a choice (lever), takes the values 0, 0.05, 0.1 and 0.2.",
		"Annual staff turnover at parent_ed (share leaving per year), a condition the initiative faces, takes the values 0.1 and 0.3.",
		"Each choice is compared with the status quo, <strong>working time for relationship building 0%</strong>",
		"With annual staff turnover at parent_ed 10%, the best choice is working time for relationship building",
		"parent_ed is a nonprofit with 1 leader, 8 staff and 4 volunteers",
		"Week 8: the leader of parent_ed leaves.",
		"People spend 0% of their working hours on relationship building, for the whole run.",
		"trustsim run scenarios/sweep2.toml --workers 2 --out &#39;out dir&#39;",
		"<dt>Base seed</dt><dd>42</dd>",
		"trustsim v0.0.0-test, revision 0123456789abcdef0123456789abcdef01234567",
		`<svg role="img" aria-label="Initiative results over time"`,
		"Runs with a reset",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if n := strings.Count(html, "<tr"); n != 1+4+1+8 {
		t.Errorf("regret and ranking tables have %d rows, want a header and 4 lever choices, a header and 8 combinations", n)
	}
	if n := strings.Count(html, "<svg "); n != 12 {
		t.Errorf("report.html has %d inline plots, want 12", n)
	}
	for _, bad := range []string{"<script", `src="http`, `href="http`, "url(http", "@import", "<link", "<img", "<?xml"} {
		if strings.Contains(html, bad) {
			t.Errorf("report.html contains %q: it must be self-contained without scripts", bad)
		}
	}
	// The best point comes first, in the highlighted row.
	best := strings.LastIndex(html, `<tr class="best">`)
	if best < 0 || !strings.Contains(html[best:best+250], "working time for relationship building 0.1, annual staff turnover at parent_ed 0.1") {
		t.Errorf("the best row is not relationship_share=0.1, turnover 0.1")
	}
}

// TestEscaping writes a batch whose scenario text is full of markup: the
// report escapes it, the plots' SVG stays well-formed and keeps the
// labels. It also checks the Writer's life cycle around Close.
func TestEscaping(t *testing.T) {
	t.Parallel()
	f := strategies
	f.name = `<b>"x"&y`
	f.strategies = []string{`a<b>&'c"`, "grantor"}
	f.replicates, f.horizon = 1, 5
	dir := t.TempDir()
	plan := f.plan(t)
	plan.Description = `<script>alert("x")</script> & more`
	w, err := Create(dir, plan, Meta{Command: []string{"trustsim", "run", "<x>"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range plan.NumRuns() {
		if err := w.Add(batchResult(plan, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(time.Now()); err != nil {
		t.Fatal(err)
	}

	html := string(readFile(t, filepath.Join(dir, reportName)))
	for _, want := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more", "&lt;b&gt;&#34;x&#34;&amp;y",
		"trustsim run &#39;&lt;x&gt;&#39;", "a&lt;b&gt;&amp;&#39;c&#34;"} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks the escaped %q", want)
		}
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, "<b>") {
		t.Error("report.html contains unescaped markup from the scenario")
	}
	for _, n := range []string{"comparison.svg", "timeseries_results.svg"} {
		path := filepath.Join(dir, plotsName, n)
		checkSVG(t, path)
		if !strings.Contains(svgText(t, path), `a<b>&'c"`) {
			t.Errorf("%s lost the label", n)
		}
	}

	for _, p := range w.Files() {
		if filepath.Dir(strings.TrimSuffix(p, string(filepath.Separator))) != dir {
			t.Errorf("file %s is not in %s", p, dir)
		}
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	if err := w.Close(time.Now()); err == nil {
		t.Error("second Close succeeded")
	}
	if err := w.Abort(); err != nil {
		t.Errorf("Abort after Close = %v, want nil", err)
	}
	if _, err := os.Stat(filepath.Join(dir, manifestName)); err != nil {
		t.Errorf("Abort after Close removed the outputs: %v", err)
	}
}

func TestShellJoin(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"trustsim", "run", "default", "--seed=3"}, "trustsim run default --seed=3"},
		{[]string{"trustsim", "--set", "policy.relationship_share=0.1"}, "trustsim --set policy.relationship_share=0.1"},
		{[]string{"a b", "it's", ""}, `'a b' 'it'\''s' ''`},
	}
	for _, tc := range tests {
		if got := shellJoin(tc.args); got != tc.want {
			t.Errorf("shellJoin(%q) = %s, want %s", tc.args, got, tc.want)
		}
	}
}

// TestReportRendersInChromium opens report.html in headless Chromium and
// checks that the screenshot shows a page, not a blank: many colours (the
// plots' palette) and a good share of non-white pixels.
func TestReportRendersInChromium(t *testing.T) {
	t.Parallel()
	chromium := "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		if p, err := exec.LookPath("chromium"); err == nil {
			chromium = p
		} else {
			t.Skip("chromium not installed (Debian: apt-get install -y chromium); the report is not rendered")
		}
	}
	report, err := filepath.Abs(filepath.Join(sharedBatch(t, sweep2), reportName))
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(t.TempDir(), "report.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--screenshot="+shot, "--window-size=1200,2000", "file://"+report)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out.Bytes())
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, out.Bytes())
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	colours, nonWhite, total := screenshotStats(img)
	t.Logf("screenshot %v: %d colours, %.1f%% non-white", img.Bounds().Size(), colours, 100*float64(nonWhite)/float64(total))
	if img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 2000 {
		t.Errorf("screenshot is %v, want 1200×2000", img.Bounds().Size())
	}
	if colours < 100 {
		t.Errorf("screenshot has %d colours: the page looks blank", colours)
	}
	if frac := float64(nonWhite) / float64(total); frac < 0.05 {
		t.Errorf("only %.1f%% of the screenshot is not white: the page looks blank", 100*frac)
	}
}

func screenshotStats(img image.Image) (colours, nonWhite, total int) {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
			if r < 0xF000 || g < 0xF000 || bl < 0xF000 {
				nonWhite++
			}
			total++
		}
	}
	return len(seen), nonWhite, total
}
