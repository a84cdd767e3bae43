package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock that tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestProgressPlainLines(t *testing.T) {
	type step struct {
		after time.Duration // clock advance before the update
		done  int
	}
	tests := []struct {
		name  string
		total int
		steps []step
		want  []string
	}{
		{
			name:  "a line per tenth",
			total: 20,
			steps: []step{{0, 0}, {time.Second, 1}, {time.Second, 2}, {time.Second, 3}, {time.Second, 4}},
			want:  []string{"trustsim: 2/20 runs (10%)  1.00 runs/s  18s left", "trustsim: 4/20 runs (20%)  1.00 runs/s  16s left"},
		},
		{
			name:  "fast: only the last line",
			total: 10,
			steps: []step{{0, 0}, {100 * time.Millisecond, 3}, {100 * time.Millisecond, 6}, {100 * time.Millisecond, 10}},
			want:  []string{"trustsim: 10/10 runs (100%)  33.3 runs/s  done in 0.3s"},
		},
		{
			name:  "a line every 10 s when slow",
			total: 1000,
			steps: []step{{0, 0}, {5 * time.Second, 1}, {6 * time.Second, 2}, {time.Second, 3}},
			want:  []string{"trustsim: 2/1000 runs (0%)  0.18 runs/s  1h31m left"},
		},
		{
			name:  "the last line says how long it took",
			total: 3,
			steps: []step{{0, 0}, {time.Minute, 1}, {time.Minute, 2}, {time.Minute, 3}},
			want: []string{
				"trustsim: 1/3 runs (33%)  0.02 runs/s  2m00s left",
				"trustsim: 2/3 runs (66%)  0.02 runs/s  1m00s left",
				"trustsim: 3/3 runs (100%)  0.02 runs/s  done in 3m00s",
			},
		},
		{
			name:  "resumed: rate counts only new runs",
			total: 10,
			steps: []step{{0, 8}, {2 * time.Second, 9}, {2 * time.Second, 10}},
			want: []string{
				"trustsim: resuming: 8 of 10 runs already done",
				"trustsim: 9/10 runs (90%)  0.50 runs/s  2s left",
				"trustsim: 10/10 runs (100%)  0.50 runs/s  done in 4.0s",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
			p := newProgress(&buf, false, clock.now)
			for _, s := range tt.steps {
				clock.t = clock.t.Add(s.after)
				p.update(s.done, tt.total)
			}
			p.finish()
			got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newProgress(&buf, true, clock.now)
	p.update(0, 4)
	clock.t = clock.t.Add(10 * time.Millisecond)
	p.update(1, 4) // too soon after the first draw: not redrawn
	clock.t = clock.t.Add(time.Second)
	p.update(2, 4)
	clock.t = clock.t.Add(time.Millisecond)
	p.update(4, 4) // the end is always drawn
	p.finish()
	want := "\r[>                             ] 0/4 runs\x1b[K" +
		"\r[===============>              ] 2/4 runs  1.98 runs/s  1s left\x1b[K" +
		"\r[==============================] 4/4 runs  3.96 runs/s  done in 1.0s\x1b[K\n"
	if got := buf.String(); got != want {
		t.Errorf("bar output\n%q\nwant\n%q", got, want)
	}
}

func TestElapsed(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{1400 * time.Millisecond, "1s"},
		{59 * time.Second, "59s"},
		{61 * time.Second, "1m01s"},
		{time.Hour + 7*time.Minute + 30*time.Second, "1h07m"},
	}
	for _, tt := range tests {
		if got := elapsed(tt.d); got != tt.want {
			t.Errorf("elapsed(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestProgressTicks checks that plain lines keep coming at least every
// lineInterval while no run finishes (runs that take minutes each), and
// that a tick between lines prints nothing.
func TestProgressTicks(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newProgress(&buf, false, clock.now)
	p.tick() // before the first update: nothing to say
	p.update(0, 4)
	for _, after := range []time.Duration{time.Second, 10 * time.Second, 5 * time.Second, 5 * time.Second} {
		clock.t = clock.t.Add(after)
		p.tick()
	}
	clock.t = clock.t.Add(10 * time.Second)
	p.update(1, 4) // 31 s in: a tenth crossed, 10 s after the last line
	clock.t = clock.t.Add(3 * time.Second)
	p.tick() // too soon after that line
	clock.t = clock.t.Add(7 * time.Second)
	p.tick()
	p.finish()
	want := []string{
		"trustsim: 0/4 runs (0%)  11s so far",
		"trustsim: 0/4 runs (0%)  21s so far",
		"trustsim: 1/4 runs (25%)  0.03 runs/s  1m33s left",
		"trustsim: 1/4 runs (25%)  0.02 runs/s  2m03s left",
	}
	if got := strings.TrimSuffix(buf.String(), "\n"); got != strings.Join(want, "\n") {
		t.Errorf("got lines\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

// TestProgressTicksRedrawTheBar checks that a tick redraws the bar, so
// its rate and time left move while a long run is under way.
func TestProgressTicksRedrawTheBar(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newProgress(&buf, true, clock.now)
	p.update(0, 2)
	clock.t = clock.t.Add(10 * time.Second)
	p.update(1, 2)
	clock.t = clock.t.Add(10 * time.Second)
	p.tick()
	p.finish()
	want := "\r[>                             ] 0/2 runs\x1b[K" +
		"\r[===============>              ] 1/2 runs  0.10 runs/s  10s left\x1b[K" +
		"\r[===============>              ] 1/2 runs  0.05 runs/s  20s left\x1b[K\n"
	if got := buf.String(); got != want {
		t.Errorf("bar output\n%q\nwant\n%q", got, want)
	}
}
