package sim

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden-run.txt from the current model")

// TestGoldenRun pins the exact metrics and final state of one run of
// parallelCity: a change that should not alter results (an optimization,
// a new data layout) must leave testdata/golden-run.txt as it is. A change
// to the model changes it on purpose: rerun with -update, and say so in
// the commit and in docs/MODEL.md. Floating-point results are the same on
// every amd64 machine; other architectures may fuse multiply-adds and
// differ in the last bits (docs/PERFORMANCE.md).
func TestGoldenRun(t *testing.T) {
	p := parallelCity()
	m, err := New(p, 11)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for m.Week() < p.Horizon {
		met := m.Advance()
		fmt.Fprintf(&b, "%+v\n", met)
	}
	fmt.Fprintf(&b, "state %016x\n", m.stateHash())
	path := filepath.Join("testdata", "golden-run.txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./sim -run GoldenRun -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for k := range min(len(gl), len(wl)) {
			if gl[k] != wl[k] {
				t.Fatalf("line %d differs from %s:\ngot  %s\nwant %s", k+1, path, gl[k], wl[k])
			}
		}
		t.Fatalf("output differs from %s in length", path)
	}
}
