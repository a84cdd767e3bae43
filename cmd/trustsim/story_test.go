package main

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustsim/trustsim/scenarios"
)

// TestStoryIsSelfContained writes the story of key-person-departure and
// checks that the page loads nothing from elsewhere: no external
// scripts, styles, fonts or images, and no address but its own anchors.
func TestStoryIsSelfContained(t *testing.T) {
	dir := t.TempDir()
	stdout, _ := mustRun(t, "story", "key-person-departure", "--out", dir)
	if !strings.Contains(stdout, filepath.Join(dir, "story.html")) {
		t.Errorf("stdout %q does not name story.html", stdout)
	}
	page, err := os.ReadFile(filepath.Join(dir, "story.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)<(link|img|iframe|object|embed)\b`),
		regexp.MustCompile(`(?i)<script[^>]*\bsrc=`),
		regexp.MustCompile(`(?i)@import|@font-face|url\(`),
		regexp.MustCompile(`(?i)\b(https?|ftp)://`),
		regexp.MustCompile(`(?i)\b(fetch|XMLHttpRequest|WebSocket)\b`),
	} {
		if loc := bad.FindIndex(page); loc != nil {
			t.Errorf("story.html refers to something outside itself: %q", page[max(0, loc[0]-40):min(len(page), loc[1]+40)])
		}
	}
	if n := len(page); n > 2<<20 {
		t.Errorf("story.html of key-person-departure is %d bytes; it was well under 2 MiB", n)
	}
}

// chromiumOrSkip returns Chromium's path; without it the test skips,
// except in CI (CI=true), where .ci/run installs it and the test fails.
func chromiumOrSkip(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is missing in CI")
	}
	t.Skip("chromium not installed (Debian: apt-get install -y chromium); story.html is not played")
	return ""
}

// storyState is what story.html reports about the week it shows.
type storyState struct {
	Week  int `json:"week"`
	Lanes []struct {
		Label    string             `json:"label"`
		Bands    map[string]float64 `json:"bands"`
		Present  int                `json:"present"`
		Vacant   int                `json:"vacant"`
		Departed int                `json:"departed"`
		Ties     int                `json:"ties"`
	} `json:"lanes"`
}

// TestStoryPlaysInChromium opens the story of key-person-departure in
// headless Chromium, presses its own Step button up to the week before
// parent_ed's leader leaves and up to the week of the departure (the
// scenario's event), and checks in the page's state that in both
// strategies the leader has left (a departure and a vacancy) and the
// bands of parent_ed's partnerships have thinned in total; it screenshots
// both weeks (kept in $TRUSTSIM_STORY_SHOTS when set) and checks that they
// show a drawing, not a blank page.
func TestStoryPlaysInChromium(t *testing.T) {
	chromium := chromiumOrSkip(t)
	dir := t.TempDir()
	mustRun(t, "story", "key-person-departure", "--out", dir)
	page, err := filepath.Abs(filepath.Join(dir, "story.html"))
	if err != nil {
		t.Fatal(err)
	}
	shots := os.Getenv("TRUSTSIM_STORY_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	s, err := scenarios.Load("key-person-departure")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	leave := plan.Points[len(plan.Points)-1].Params.Events[0].Step
	states := map[int]storyState{}
	for _, week := range []int{leave - 1, leave} {
		url := "file://" + page + "#press=step:" + itoa(week)
		dom := chrome(t, chromium, "--dump-dom", url)
		m := regexp.MustCompile(`(?s)<pre id="state" hidden="">(.*?)</pre>`).FindSubmatch(dom)
		if m == nil {
			t.Fatalf("week %d: no state in the page:\n%.2000s", week, dom)
		}
		var st storyState
		if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &st); err != nil {
			t.Fatalf("week %d: state %s: %v", week, m[1], err)
		}
		if st.Week != week || len(st.Lanes) != 2 {
			t.Fatalf("after pressing Step %d times the page shows week %d with %d runs, want week %d and 2", week, st.Week, len(st.Lanes), week)
		}
		states[week] = st
		shot := filepath.Join(shots, "story-week-"+itoa(week)+".png")
		chrome(t, chromium, "--screenshot="+shot, url)
		checkShot(t, shot)
	}
	// The leader's partnerships: every band with parent_ed at one end.
	bands := func(b map[string]float64) float64 {
		sum := 0.0
		for pair, v := range b {
			if strings.HasPrefix(pair, "parent_ed|") || strings.HasSuffix(pair, "|parent_ed") {
				sum += v
			}
		}
		return sum
	}
	for k := range states[leave].Lanes {
		before, after := states[leave-1].Lanes[k], states[leave].Lanes[k]
		t.Logf("%s: parent_ed's bands %.3f → %.3f, vacancies %d → %d, ties %d → %d", after.Label, bands(before.Bands), bands(after.Bands), before.Vacant, after.Vacant, before.Ties, after.Ties)
		if !(bands(after.Bands) < bands(before.Bands)) {
			t.Errorf("%s: parent_ed's partnership bands went from %v to %v in total at the departure; want thinner", after.Label, bands(before.Bands), bands(after.Bands))
		}
		if after.Departed < 1 || after.Vacant < 1 {
			t.Errorf("%s: week %d shows %d departures and %d vacancies; parent_ed's leader left", after.Label, leave, after.Departed, after.Vacant)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// chrome runs headless Chromium on url with the given mode flag and
// returns its standard output.
func chrome(t *testing.T, chromium, mode, url string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--window-size=1280,1000", "--virtual-time-budget=3000", mode, url)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", mode, err, errs.Bytes())
	}
	return out.Bytes()
}

// checkShot fails unless the screenshot at path shows a drawing: many
// colours (roles, bands, ties) over a good share of the page.
func checkShot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uint32]bool{}
	nonWhite, total := 0, 0
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
	if len(seen) < 100 || float64(nonWhite) < 0.05*float64(total) {
		t.Errorf("%s: %d colours, %.1f%% not white: the story looks blank", path, len(seen), 100*float64(nonWhite)/float64(total))
	}
}

// TestRunWritesStory checks where users meet the story: a batch that
// fits one gets story.html beside report.html, which links to it; a
// batch too large for a story gets neither.
func TestRunWritesStory(t *testing.T) {
	for _, c := range []struct {
		name  string
		set   []string
		story bool
	}{
		{"fits", nil, true},
		{"too many people", []string{"--set", "org.community.positions.member=1000"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if raceEnabled && !c.story {
				// A batch of 1000 people takes half a minute under the
				// race detector; HasStory's limit is tested without it.
				t.Skip("a batch of 1000 people is too slow under the race detector")
			}
			dir := t.TempDir()
			args := append([]string{"run", "key-person-departure", "--replicates", "1", "--set", "horizon=60", "--quiet", "--out", dir}, c.set...)
			stdout, _ := mustRun(t, args...)
			_, err := os.Stat(filepath.Join(dir, "story.html"))
			report, rerr := os.ReadFile(filepath.Join(dir, "report.html"))
			if rerr != nil {
				t.Fatal(rerr)
			}
			linked := bytes.Contains(report, []byte(`href="story.html"`))
			if (err == nil) != c.story || linked != c.story || strings.Contains(stdout, "story.html") != c.story {
				t.Errorf("story.html written: %v, linked from the report: %v, named on stdout: %v; want %v", err == nil, linked, strings.Contains(stdout, "story.html"), c.story)
			}
		})
	}
}

// TestStoryBadInput checks that trustsim story refuses bad usage with
// exit status 2, a message naming the problem, and no file written.
func TestStoryBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"replicate", []string{"--replicate", "30"}, "replicates 0 to 29"},
		{"point index", []string{"--points", "0,9"}, "design point 9 outside"},
		{"point label", []string{"--points", "cold handoff"}, `no design point "cold handoff"`},
		{"snapshot interval", []string{"--network", "--snapshot-every", "0"}, "--snapshot-every must be at least 1"},
		{"too many people", []string{"--set", "org.community.positions.member=2000"}, "a story shows at most 1000"},
		{"two scenarios", []string{"default"}, "story takes one scenario"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			args := append([]string{"story", "key-person-departure", "--out", dir}, c.args...)
			code, _, stderr := trustsim(t, args...)
			if code != exitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitUsage, c.want)
			}
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("%s was created", dir)
			}
		})
	}
}
