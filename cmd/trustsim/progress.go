package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal, where a live bar can be
// redrawn in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Progress reporting intervals.
const (
	// barInterval is the shortest time between two redraws of the bar.
	barInterval = 100 * time.Millisecond
	// lineInterval is the longest time between two plain progress lines
	// (when no tenth of the batch has been crossed).
	lineInterval = 10 * time.Second
	// tenthInterval is the shortest time between two plain lines for
	// tenths of the batch, so a batch of a few seconds prints one line.
	tenthInterval = time.Second
	// barWidth is the number of cells of the bar.
	barWidth = 30
	// tickInterval is how often a ticker lets progress report between
	// finished runs (see tick).
	tickInterval = time.Second
)

// progress reports a batch's progress on stderr: a bar redrawn in place
// on a terminal, otherwise a plain line at every tenth of the batch (at
// most one a second), at least every lineInterval, and at the end. Rate
// and time left count only the runs done by this invocation, not those
// replayed from checkpoints. Between finished runs, which may each take
// minutes, tick (called by the ticker startTicker starts) keeps the plain
// lines coming every lineInterval and the bar's rate and time left
// moving. Its methods may be called from several goroutines.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	now      func() time.Time

	start     time.Time
	first     int // runs already done at the first update
	started   bool
	last      time.Time // time of the last output
	lastTenth int       // tenth of the batch of the last plain line
	drawn     bool      // a bar is on screen without a newline
	done      int
	total     int
}

func newProgress(w io.Writer, terminal bool, now func() time.Time) *progress {
	return &progress{w: w, terminal: terminal, now: now}
}

// update records that done of total runs are finished.
func (p *progress) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.now()
	if !p.started {
		p.started, p.start, p.first, p.last = true, t, done, t
		p.lastTenth = tenth(done, total)
		if done > 0 && !p.terminal {
			fmt.Fprintf(p.w, "trustsim: resuming: %d of %d runs already done\n", done, total)
		}
	}
	p.done, p.total = done, total
	if p.terminal {
		if done == total || t.Sub(p.last) >= barInterval || !p.drawn {
			p.last = t
			fmt.Fprintf(p.w, "\r%s\x1b[K", p.bar(t))
			p.drawn = true
		}
		return
	}
	if done == p.first {
		return
	}
	since := t.Sub(p.last)
	if tn := tenth(done, total); done == total || tn > p.lastTenth && since >= tenthInterval || since >= lineInterval {
		p.lastTenth, p.last = tn, t
		fmt.Fprintf(p.w, "trustsim: %s\n", p.status(t))
	}
}

// tick reports progress when nothing has been reported for a while: it
// redraws the bar, or prints a plain line when the last is lineInterval
// old. It does nothing before the first update or after the last run.
func (p *progress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.started || p.done >= p.total {
		return
	}
	t := p.now()
	if p.terminal {
		if p.drawn && t.Sub(p.last) >= barInterval {
			p.last = t
			fmt.Fprintf(p.w, "\r%s\x1b[K", p.bar(t))
		}
		return
	}
	if t.Sub(p.last) >= lineInterval {
		p.last = t
		fmt.Fprintf(p.w, "trustsim: %s\n", p.status(t))
	}
}

// startTicker calls tick every tickInterval until stop is called; stop
// returns once the ticker's goroutine has ended.
func (p *progress) startTicker() (stop func()) {
	quit, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		tk := time.NewTicker(tickInterval)
		defer tk.Stop()
		for {
			select {
			case <-tk.C:
				p.tick()
			case <-quit:
				return
			}
		}
	}()
	return func() { close(quit); <-ended }
}

// finish ends the bar's line, so what follows starts on a fresh line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

func tenth(done, total int) int {
	if total == 0 {
		return 10
	}
	return done * 10 / total
}

// bar is the terminal line: "[=========>         ] 37/120 runs  4.1 runs/s  20s left".
func (p *progress) bar(t time.Time) string {
	filled := barWidth
	if p.total > 0 {
		filled = p.done * barWidth / p.total
	}
	var b strings.Builder
	b.WriteByte('[')
	b.WriteString(strings.Repeat("=", filled))
	if filled < barWidth {
		b.WriteByte('>')
		b.WriteString(strings.Repeat(" ", barWidth-filled-1))
	}
	b.WriteString("] ")
	b.WriteString(p.counts(t))
	return b.String()
}

// status is a plain progress line: "37/120 runs (30%)  4.1 runs/s  20s left".
func (p *progress) status(t time.Time) string {
	pct := 100
	if p.total > 0 {
		pct = p.done * 100 / p.total
	}
	return strings.Replace(p.counts(t), " runs", fmt.Sprintf(" runs (%d%%)", pct), 1)
}

// counts is "done/total runs  rate  time left" (or elapsed time when
// done, or the time so far before this invocation has finished a run).
func (p *progress) counts(t time.Time) string {
	s := fmt.Sprintf("%d/%d runs", p.done, p.total)
	ran := p.done - p.first
	secs := t.Sub(p.start).Seconds()
	if secs <= 0 {
		return s
	}
	if ran <= 0 {
		return s + "  " + elapsed(t.Sub(p.start)) + " so far"
	}
	rate := float64(ran) / secs
	s += fmt.Sprintf("  %s runs/s", formatRate(rate))
	if p.done >= p.total {
		if d := t.Sub(p.start); d < 10*time.Second {
			return s + fmt.Sprintf("  done in %.1fs", d.Seconds())
		}
		return s + "  done in " + elapsed(t.Sub(p.start))
	}
	left := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
	return s + "  " + elapsed(left) + " left"
}

// formatRate prints a rate with about three significant digits.
func formatRate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 10:
		return fmt.Sprintf("%.1f", r)
	default:
		return fmt.Sprintf("%.2f", r)
	}
}
