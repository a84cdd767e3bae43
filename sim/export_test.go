package sim

// ScaledCity is scaledCity for the tests of package sim_test.
var ScaledCity = scaledCity

// MemoryParts is memoryParts for the tests of package sim_test: the name
// and the bytes of each part of m's memory.
func MemoryParts(m *Model) (names []string, bytes []int) {
	for _, p := range memoryParts(m) {
		names = append(names, p.name)
		bytes = append(bytes, p.bytes)
	}
	return names, bytes
}

// Updating reports whether the tests run with -update, for the tests of
// package sim_test that rewrite what they check (TestCalibrationTable).
func Updating() bool { return *update }

// SlotRole, SlotKind and SlotEmbeddedness give the tests of package
// sim_test the role, the organization kind and the summed
// cross-organization trust of slot i (embeddedness E_i, §7.7).
func SlotRole(m *Model, i int) Role            { return m.role[i] }
func SlotKind(m *Model, i int) Kind            { return m.kindOf[i] }
func SlotEmbeddedness(m *Model, i int) float64 { return m.crossSum[i] }
