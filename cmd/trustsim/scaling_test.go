package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustsim/trustsim/scenarios"
	"github.com/trustsim/trustsim/sim"
)

// scalingDir holds the many-core scaling scripts (deploy/scaling/README.md).
var scalingDir = filepath.Join(deployDir, "scaling")

func TestMillionScenario(t *testing.T) {
	path := filepath.Join(scalingDir, "million.toml")
	stdout, _ := mustRun(t, "validate", path)
	if !strings.Contains(stdout, "1 run of 52 weeks") {
		t.Errorf("validate says %q, want one run of 52 weeks", stdout)
	}
	s, err := scenarios.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if n := plan.NumRuns(); n != 1 {
		t.Errorf("%s has %d runs, want 1", path, n)
	}
	p := plan.Points[0].Params
	if people := p.People(); people != 1_004_020 {
		t.Errorf("%s has %d people, want 1,004,020 as scaledCity(6000) of sim/bench_test.go", path, people)
	}
	if p.Horizon != 52 {
		t.Errorf("%s has a horizon of %d weeks, want 52", path, p.Horizon)
	}
	// The layout of scaledCity(6000), which BenchmarkParallelStep runs
	// with TRUSTSIM_BENCH_1M=1: organizations of each kind, each with
	// these positions (leader, staff, volunteer, member).
	type layout struct {
		count     int
		positions [sim.NumRoles]int
	}
	want := map[sim.Kind]layout{
		sim.Backbone:  {1, [sim.NumRoles]int{1, 19, 0, 0}},
		sim.Funder:    {400, [sim.NumRoles]int{1, 9, 0, 0}},
		sim.Nonprofit: {6000, [sim.NumRoles]int{1, 60, 39, 0}},
		sim.Community: {1, [sim.NumRoles]int{0, 0, 0, 400_000}},
	}
	got := map[sim.Kind]int{}
	for _, o := range p.Orgs {
		got[o.Kind]++
		if w := want[o.Kind]; o.Positions != w.positions {
			t.Errorf("%s: %s %s has positions %v, want %v", path, o.Kind, o.Name, o.Positions, w.positions)
		}
	}
	for k, w := range want {
		if got[k] != w.count {
			t.Errorf("%s has %d %s organizations, want %d", path, got[k], k, w.count)
		}
	}
	if len(p.History) != 1 || len(p.Arrangement) != 1 {
		t.Errorf("%s has %d histories and %d arrangements, want one of each", path, len(p.History), len(p.Arrangement))
	}
}

func TestScalingScriptsSyntax(t *testing.T) {
	bash := bashOrSkip(t)
	for _, name := range []string{"build.sh", "run.sh"} {
		path := filepath.Join(scalingDir, name)
		if out, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", path, err, out)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode()&0o111 == 0 {
			t.Errorf("%s is not executable", path)
		}
	}
}

// Stand-ins for the binaries build.sh makes, for running run.sh without
// them: trustsim writes result tables (differing by worker count when
// FAKE_DIFFER is set) and the progress line run.sh looks for; the test
// binaries print benchmark lines with known ratios and record
// TRUSTSIM_BENCH_1M.
const (
	fakeTrustsim = `#!/bin/sh
case "$1" in
version) echo "trustsim (fake)"; exit 0 ;;
validate) echo "$2: ok"; exit 0 ;;
esac
out= workers= quiet=
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift ;;
	--workers) workers=$2; shift ;;
	--quiet) quiet=1 ;;
	esac
	shift
done
mkdir -p "$out"
for f in runs.csv timeseries.csv aggregate.csv; do
	echo "$f ${FAKE_DIFFER:+$workers}" > "$out/$f"
done
[ -n "$quiet" ] || echo "trustsim: 1/1 runs (100%)  done" >&2
echo "Results in $out"
`
	fakeBatchTest = `#!/bin/sh
echo "goos: linux"
echo "BenchmarkExecute     	       3	 100 ns/op	       100.0 runs/s"
echo "BenchmarkExecute-2   	       3	  50 ns/op	       190.0 runs/s"
echo PASS
`
	fakeSimTest = `#!/bin/sh
echo "1m=${TRUSTSIM_BENCH_1M:-}" >> "$FAKE_CALLS"
echo "BenchmarkParallelStep/people=10060     	5	 1 ns/op	        10.00 ms/step	        20.5 peak-MB	   1000 person-steps/s"
echo "BenchmarkParallelStep/people=10060-2   	5	 1 ns/op	        6.250 ms/step	        21.0 peak-MB	   1600 person-steps/s"
echo PASS
`
)

// scalingTree copies run.sh and million.toml into a fresh tree laid out
// like the repository, with the stand-in binaries in its bin/, and
// returns the tree's root.
func scalingTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "deploy", "scaling")
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"run.sh", "million.toml"} {
		b, err := os.ReadFile(filepath.Join(scalingDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range map[string]string{
		"trustsim": fakeTrustsim, "batch.test": fakeBatchTest, "sim.test": fakeSimTest, "BUILD": "built by the test\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, "bin", name), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestScalingRunScript(t *testing.T) {
	bash := bashOrSkip(t)
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("run.sh reads /proc")
	}
	tests := []struct {
		name   string
		env    []string
		ok     bool
		want   []string // lines of summary.md
		absent []string // text summary.md must not have
		want1M string   // TRUSTSIM_BENCH_1M of the last sim.test call; "-" for none
	}{
		{
			name: "full",
			env:  []string{"SCALING_WORKERS=1 2"},
			ok:   true,
			want: []string{
				"bin/trustsim run investment-vs-turnover --workers N --quiet --out DIR",
				"| Execute | 1 | 100.0 | - | 1.00 | 100.0% |",
				"| Execute | 2 | 190.0 | - | 1.90 | 95.0% |",
				"| ParallelStep/people=10060 | 2 | 6.250 | 21.0 | 1.60 | 80.0% |",
				"Outputs: runs.csv timeseries.csv aggregate.csv identical, byte for byte, at every worker count.",
				"## d) One big run: deploy/scaling/million.toml",
				"Outputs: runs.csv timeseries.csv aggregate.csv identical, byte for byte, with 2 workers and with 1.",
				"TRUSTSIM_BENCH_1M=1 bin/sim.test -test.run '^$' -test.bench ParallelStep/people=1004020 -test.cpu 1,2 -test.benchtime 5x",
				"## f) Independent processes: the machine's ceiling",
				"| 1 | 100.000 | 100.000 | 100.000 | 1.00 | 100.0% |",
				"| 2 | 100.000 | 100.000 | 200.000 | 2.00 | 100.0% |",
				"0 failure(s).",
			},
			want1M: "1",
		},
		{
			name: "some steps",
			env:  []string{"SCALING_WORKERS=1 2", "SCALING_STEPS=a f", "SCALING_BATCH=--replicates 30"},
			ok:   true,
			want: []string{
				"bin/trustsim run investment-vs-turnover --replicates 30 --workers N --quiet --out DIR",
				"## f) Independent processes: the machine's ceiling",
				"0 failure(s).",
			},
			absent: []string{"## b)", "## c)", "## d)", "## e)"},
			want1M: "-",
		},
		{
			name: "quick",
			env:  []string{"SCALING_QUICK=1"},
			ok:   true,
			want: []string{
				"# trustsim scaling (SCALING_QUICK rehearsal: not figures to report)",
				"bin/trustsim run investment-vs-turnover --set horizon=26 --workers N --quiet --out DIR",
				"## d) One big run: bench-city --set horizon=4",
				"0 failure(s).",
			},
			want1M: "",
		},
		{
			name: "outputs differ, over budget",
			env:  []string{"SCALING_WORKERS=1 2", "FAKE_DIFFER=1", "SCALING_BUDGET_S=-1"},
			ok:   false,
			want: []string{
				"**FAILED:** a) workers=2 against workers=1: result tables differ (runs.csv timeseries.csv aggregate.csv)",
				"**FAILED:** d) workers=2 against workers=1: result tables differ (runs.csv timeseries.csv aggregate.csv)",
				"## e) BenchmarkParallelStep at 1,000,000 people",
				"2 failure(s).",
			},
			want1M: "", // c) only
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := scalingTree(t)
			out := filepath.Join(t.TempDir(), "out")
			callsFile := filepath.Join(t.TempDir(), "calls")
			cmd := exec.Command(bash, filepath.Join(root, "deploy", "scaling", "run.sh"), out)
			cmd.Env = append(os.Environ(), "FAKE_CALLS="+callsFile, "TMPDIR="+t.TempDir())
			cmd.Env = append(cmd.Env, tt.env...)
			stdout, err := cmd.CombinedOutput()
			if (err == nil) != tt.ok {
				t.Fatalf("run.sh: %v, want success %v\n%s", err, tt.ok, stdout)
			}
			summary, err := os.ReadFile(filepath.Join(out, "summary.md"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(summary), "\n")
			for _, w := range tt.want {
				found := false
				for _, l := range lines {
					if strings.Contains(l, w) {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("summary.md has no line with %q:\n%s", w, summary)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(string(summary), a) {
					t.Errorf("summary.md has %q:\n%s", a, summary)
				}
			}
			progress, err := os.ReadFile(filepath.Join(out, "progress.log"))
			if err != nil {
				t.Fatal(err)
			}
			if string(progress) == "" || !strings.Contains(string(stdout), strings.Split(string(progress), "\n")[0]) {
				t.Errorf("progress.log does not repeat the printed lines:\n%s\nprinted:\n%s", progress, stdout)
			}
			calls, err := os.ReadFile(callsFile)
			if tt.want1M == "-" {
				if !os.IsNotExist(err) {
					t.Errorf("sim.test was called (%q, %v), want no call", calls, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cl := strings.Split(strings.TrimSpace(string(calls)), "\n")
			if got := strings.TrimPrefix(cl[len(cl)-1], "1m="); got != tt.want1M {
				t.Errorf("last sim.test call had TRUSTSIM_BENCH_1M=%q, want %q (calls: %q)", got, tt.want1M, cl)
			}
		})
	}
}
