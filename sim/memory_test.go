package sim_test

import (
	"testing"

	"github.com/trustsim/trustsim/sim"
)

// TestMemoryPerPerson counts, after 200 weeks of the bundled bench-city
// (when the number of ties has levelled off), the bytes of each part of
// the model by the capacity of its slices, and requires at most 1 KiB per
// person in all, ties included (docs/PERFORMANCE.md, "Memory per person
// and per tie"; `go test ./sim -run MemoryPerPerson -v` prints the
// table). The count is exact and does not depend on the machine; the
// live heap that BenchmarkBenchCity reports (B/person) adds what the
// count leaves out: maps, the parameters, the random streams.
func TestMemoryPerPerson(t *testing.T) {
	if raceEnabled {
		t.Skip("200 weeks of 10,000 people take 16 s under the race detector, which has nothing to find here")
	}
	m, err := sim.New(benchCity(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	var met sim.Metrics
	for range 200 {
		met = m.Advance()
	}
	people := float64(m.NumPeople())
	names, bytes := sim.MemoryParts(m)
	total := 0
	for k, name := range names {
		t.Logf("%-58s %6.1f B/person", name, float64(bytes[k])/people)
		total += bytes[k]
	}
	perPerson := float64(total) / people
	t.Logf("%-58s %6.1f B/person at %.2f ties per person", "total", perPerson, float64(met.Ties)/people)
	if perPerson > 1024 {
		t.Errorf("%.1f B per person, want at most 1 KiB", perPerson)
	}
}
