package scenarios

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/trustsim/trustsim/sim"
)

const sampleScenario = `
horizon = 10
seed = 3

[[strategy]]
name = "cold"

[[strategy]]
name = "warm"
"policy.handoff_share" = 0.5

[sample]
method = "morris"
size = 4

[sample.params]
"trust.decay" = { dist = "uniform", min = 0.01, max = 0.05 }
"network.maintenance_focus" = { dist = "triangular", min = 2, mode = 6, max = 12 }
"policy.funder_model" = { dist = "choice", values = ["partnership", "grantor-grantee"] }
"org.*.annual_turnover.staff" = { dist = "normal", mean = 0.19, sd = 0.05, min = 0.05, max = 0.4 }
`

// TestSamplePlan checks that a sampled scenario plans one point per
// strategy and design row, strategies outermost, each with the design's
// values set and labelled; that the design's seed defaults to the
// scenario's; and that both strategies share the design.
func TestSamplePlan(t *testing.T) {
	s, err := Parse("s.toml", []byte(sampleScenario))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	rows := 4 * (4 + 1)
	if len(plan.Points) != 2*rows || s.NumPoints() != 2*rows {
		t.Fatalf("%d points (NumPoints %d), want %d", len(plan.Points), s.NumPoints(), 2*rows)
	}
	if plan.Sample == nil || plan.Sample.Seed != 3 || plan.Sample.Levels != 4 || plan.Sample.Bootstrap != 1000 {
		t.Fatalf("sample %+v", plan.Sample)
	}
	want := []string{"trust.decay", "network.maintenance_focus", "policy.funder_model", "org.*.annual_turnover.staff"}
	if !reflect.DeepEqual(plan.Swept, want) {
		t.Fatalf("swept %v, want %v", plan.Swept, want)
	}
	d, err := plan.Sample.Design()
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		cold, warm := &plan.Points[i], &plan.Points[rows+i]
		if cold.Strategy != "cold" || warm.Strategy != "warm" || !reflect.DeepEqual(cold.Swept, warm.Swept) {
			t.Fatalf("point %d: %s %v and %s %v", i, cold.Strategy, cold.Swept, warm.Strategy, warm.Swept)
		}
		// Every parameter a sampled name sets has the labelled value,
		// and the label is the design's value (6 significant digits).
		for j, sw := range cold.Swept {
			n := 0
			for _, sp := range cold.Params.Specs() {
				if sim.MatchName(sw.Name, sp.Name) {
					n++
					if sp.Value() != sw.Value {
						t.Errorf("point %d: %s = %s, label %s", i, sp.Name, sp.Value(), sw.Value)
					}
				}
			}
			if n == 0 {
				t.Errorf("point %d: %s sets nothing", i, sw.Name)
			}
			x := d.Values[i][j]
			var want string
			switch j {
			case 1:
				want = strconv.Itoa(int(math.Round(x)))
			case 2:
				want = []string{"partnership", "grantor-grantee"}[int(x)]
			default:
				want = strconv.FormatFloat(x, 'g', 6, 64)
				if f, _ := strconv.ParseFloat(want, 64); true {
					want = strconv.FormatFloat(f, 'g', -1, 64)
				}
			}
			if sw.Value != want {
				t.Errorf("point %d: %s label %s, design value %v", i, sw.Name, sw.Value, x)
			}
		}
	}
	other, _ := Parse("s.toml", []byte(strings.Replace(sampleScenario, "seed = 3", "seed = 4", 1)))
	p2, _ := other.Plan()
	if reflect.DeepEqual(p2.Points[0].Swept, plan.Points[0].Swept) && reflect.DeepEqual(p2.Points[1].Swept, plan.Points[1].Swept) {
		t.Error("another seed gave the same design")
	}
	if err := s.Override("trust.decay", "0.02"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Plan(); err == nil || !strings.Contains(err.Error(), "--set: trust.decay: sets trust.decay, which [sample] samples") {
		t.Errorf("--set of a sampled parameter: %v", err)
	}
}

func TestSampleSizeLimit(t *testing.T) {
	src := "[sample]\nmethod = \"montecarlo\"\nsize = 1000000\n[sample.params]\n\"trust.decay\" = { dist = \"uniform\", min = 0.01, max = 0.05 }\n"
	_, err := Parse("big.toml", []byte(src))
	var el ErrorList
	if !errors.As(err, &el) || !strings.Contains(err.Error(), "replicates") {
		t.Errorf("a million-point design: %v", err)
	}
}
