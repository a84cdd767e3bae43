package main

import (
	"runtime/debug"
	"testing"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

func TestGCPercent(t *testing.T) {
	for _, tt := range []struct {
		name               string
		people, concurrent int
		want               int
	}{
		{"default initiative, 2 workers: about minHeapGoal", 110, 2, 100*minHeapGoal/(baseHeap+2*110*bytesPerPerson) - 100},
		{"1,000 people, 16 workers: about minHeapGoal", 1000, 16, 100*minHeapGoal/(baseHeap+16*1000*bytesPerPerson) - 100},
		{"bench-city, 16 workers: the default", 10_060, 16, 100},
		{"a million people: the default", 1_004_020, 1, 100},
	} {
		if got := gcPercent(tt.people, tt.concurrent); got != tt.want {
			t.Errorf("%s: gcPercent(%d, %d) = %d, want %d", tt.name, tt.people, tt.concurrent, got, tt.want)
		}
	}
	for _, people := range []int{110, 1000} {
		if p := gcPercent(people, 16); p <= 100 || p > maxGCPercent {
			t.Errorf("%d people on 16 workers: %d, want above the default and at most the cap", people, p)
		}
	}
}

func TestTuneGC(t *testing.T) {
	p := sim.Default()
	plan := &batch.Plan{Scenario: "t", Replicates: 4, Points: []batch.Point{{Params: p}}}
	noEnv := func(string) string { return "" }
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)

	restore := tuneGC(plan, 2, noEnv)
	want := gcPercent(p.People(), 2)
	if got := debug.SetGCPercent(-1); got != want {
		t.Errorf("GOGC during a batch of the default initiative = %d, want %d", got, want)
	}
	debug.SetGCPercent(want)
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC after the batch = %d, want the 100 it was", got)
	}

	restore = tuneGC(plan, 2, func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set in the environment, yet tuneGC changed the setting to %d", got)
	}
	restore()
}
