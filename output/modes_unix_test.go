//go:build unix

package output

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/trustsim/trustsim/batch"
)

// TestPublishedModes writes and redraws a batch under a umask that would
// make everything private, and checks that every published file is
// readable by everyone (0644) and plots/ is a 0755 directory. It changes
// the process's umask, so it must not run in parallel with other tests
// (no t.Parallel: parallel tests wait until it has finished).
func TestPublishedModes(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := t.TempDir()
	f := fixture{name: "modes", replicates: 1, horizon: 3, every: 1,
		plots: []batch.PlotRequest{{Kind: "timeseries", Metric: "ties"}}}
	writeBatch(t, f, dir, 1)
	check := func(when string) {
		t.Helper()
		n := 0
		for _, name := range listDir(t, dir) {
			st, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			want := fileMode
			if st.IsDir() {
				want = dirMode | os.ModeDir
			}
			if st.Mode() != want {
				t.Errorf("%s: %s has mode %v, want %v", when, name, st.Mode(), want)
			}
			n++
		}
		if n < 12 {
			t.Errorf("%s: only %d files checked", when, n)
		}
	}
	check("after Close")
	if err := Redraw(dir); err != nil {
		t.Fatal(err)
	}
	check("after Redraw")
}
