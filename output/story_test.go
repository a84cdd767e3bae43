package output

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// TestStoryFramesReplay records the story of both points of storyPlan
// and checks, week by week, that replaying its frames as story.js does
// (key frames plus changes) gives every tie of the run with its trust in
// hundredths, the vacancies and the metrics that a run without recording
// gives; and that both points, replicate 1, ran on the same seed.
func TestStoryFramesReplay(t *testing.T) {
	plan := storyPlan(t)
	st, err := RecordStory(context.Background(), plan, []int{0, 1}, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	d := &st.data
	if d.Lanes[0].Seed != d.Lanes[1].Seed {
		t.Errorf("the points of replicate 1 ran on seeds %s and %s; a paired batch gives them one", d.Lanes[0].Seed, d.Lanes[1].Seed)
	}
	for k, lane := range d.Lanes {
		run := plan.Run(k*plan.Replicates + 1)
		var snaps []sim.Snapshot
		var ms []sim.Metrics
		rec := func(met sim.Metrics, m *sim.Model) error {
			var s sim.Snapshot
			m.Snapshot(&s)
			snaps, ms = append(snaps, s), append(ms, met)
			return nil
		}
		if err := sim.RunWith(context.Background(), plan.Points[k].Params, run.Seed, sim.Options{Record: rec}, nil); err != nil {
			t.Fatal(err)
		}
		if len(lane.Frames) != len(ms) {
			t.Fatalf("%s: %d frames for %d weeks", lane.Label, len(lane.Frames), len(ms))
		}
		ties := map[int]int{}
		for w, f := range lane.Frames {
			if f.T != nil {
				clear(ties)
				for _, v := range f.T {
					ties[v>>7] = v & 127
				}
			} else {
				if w%storyKeyWeeks == 0 {
					t.Fatalf("%s: week %d has no key frame", lane.Label, w)
				}
				for _, v := range f.D {
					if v&127 == 127 {
						delete(ties, v>>7)
					} else {
						ties[v>>7] = v & 127
					}
				}
			}
			want := map[int]int{}
			for _, tie := range snaps[w].Ties {
				for id := 0; id < len(lane.Ties)/2; id++ {
					if lane.Ties[2*id] == tie.A && lane.Ties[2*id+1] == tie.B {
						want[id] = int(math.Round(tie.Trust * 100))
						break
					}
				}
			}
			if len(ties) != len(want) || len(ties) != ms[w].Ties {
				t.Fatalf("%s week %d: %d ties replayed, %d in the snapshot, metric %d", lane.Label, w, len(ties), len(want), ms[w].Ties)
			}
			for id, q := range want {
				if ties[id] != q {
					t.Fatalf("%s week %d: tie %d has trust %d in the story, %d in the run", lane.Label, w, id, ties[id], q)
				}
			}
			if len(f.V) != ms[w].Vacancies {
				t.Errorf("%s week %d: %d vacant slots, metric %d", lane.Label, w, len(f.V), ms[w].Vacancies)
			}
			if got := f.M[0]; math.Abs(got-ms[w].Results) > 0.005 {
				t.Errorf("%s week %d: results %v, metric %v", lane.Label, w, got, ms[w].Results)
			}
		}
	}
}

// TestStoryIsDeterministic checks that the page does not depend on the
// number of goroutines recording it.
func TestStoryIsDeterministic(t *testing.T) {
	plan := storyPlan(t)
	var pages [][]byte
	for _, workers := range []int{1, 2} {
		st, err := RecordStory(context.Background(), plan, StoryPoints(plan), 0, workers)
		if err != nil {
			t.Fatal(err)
		}
		page, err := st.HTML()
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page)
	}
	if !bytes.Equal(pages[0], pages[1]) {
		t.Error("story.html differs between 1 and 2 workers")
	}
	i := bytes.Index(pages[0], []byte("const DATA = "))
	j := bytes.Index(pages[0][i:], []byte(";</script>"))
	var d storyData
	if i < 0 || j < 0 {
		t.Fatal("no DATA in the page")
	}
	if err := json.Unmarshal(pages[0][i+len("const DATA = "):i+j], &d); err != nil {
		t.Fatalf("the page's DATA is not JSON: %v", err)
	}
	if len(d.Lanes) != 2 || d.Lanes[0].Label != "no handoff" || d.Horizon != 60 {
		t.Errorf("DATA has %d lanes, the first %q, horizon %d", len(d.Lanes), d.Lanes[0].Label, d.Horizon)
	}
}

// TestStoryPointsDrawableSideBySide: by default a story leaves out the
// points whose organizations differ from the first point's (a swept
// community size), as well as the no-events counterfactuals.
func TestStoryPointsDrawableSideBySide(t *testing.T) {
	base := sim.Default()
	bigger := sim.Default()
	if err := bigger.Set("org.community.positions.member", 80); err != nil {
		t.Fatal(err)
	}
	engaged := sim.Default()
	if err := engaged.Set("policy.engagement", 1); err != nil {
		t.Fatal(err)
	}
	plan := &batch.Plan{Replicates: 1, Points: []batch.Point{
		{Index: 0, Params: base, Counterfactual: true},
		{Index: 1, Params: base},
		{Index: 2, Params: bigger},
		{Index: 3, Params: engaged},
	}}
	if got := StoryPoints(plan); len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Errorf("StoryPoints = %v, want [1 3]", got)
	}
}
