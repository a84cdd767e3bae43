package sim

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

// TestMetricsValuesRoundTrip gives every field of Metrics a distinct value
// and checks that SetValues(Values()) gives them all back, so that a
// metric added to the struct but forgotten in Values, SetValues or
// MetricNames fails here.
func TestMetricsValuesRoundTrip(t *testing.T) {
	var m Metrics
	v := reflect.ValueOf(&m).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Int:
			f.SetInt(int64(1000*i + 7))
		case reflect.Float64:
			f.SetFloat(float64(i) + 0.25)
		default:
			t.Fatalf("Metrics.%s is a %s; Values and SetValues handle int and float64 fields", v.Type().Field(i).Name, f.Kind())
		}
	}
	vals := m.Values(nil)
	if len(vals) != v.NumField()-1 || len(vals) != len(MetricNames()) {
		t.Fatalf("Values gives %d values, MetricNames %d names, for %d fields after Step", len(vals), len(MetricNames()), v.NumField()-1)
	}
	back := Metrics{Step: m.Step}
	if err := back.SetValues(vals); err != nil {
		t.Fatal(err)
	}
	if back != m {
		t.Errorf("SetValues(Values()) = %+v, want %+v", back, m)
	}
	// countMetrics lists exactly the int fields after Step.
	for k := range vals {
		isCount := v.Field(k+1).Kind() == reflect.Int
		if slices.Contains(countMetrics[:], k) != isCount {
			t.Errorf("metric %d (%s): in countMetrics %v, int field %v", k, MetricNames()[k], !isCount, isCount)
		}
	}

	for _, tt := range []struct {
		name string
		vals []float64
	}{
		{"one value too few", vals[1:]},
		{"a fractional count", func() []float64 { w := slices.Clone(vals); w[5] = 2.5; return w }()},
		{"a huge count", func() []float64 { w := slices.Clone(vals); w[10] = 1e300; return w }()},
		{"a NaN count", func() []float64 { w := slices.Clone(vals); w[12] = math.NaN(); return w }()},
		{"a negative count", func() []float64 { w := slices.Clone(vals); w[7] = -1; return w }()},
		{"a count of minus zero", func() []float64 { w := slices.Clone(vals); w[11] = math.Copysign(0, -1); return w }()},
	} {
		kept := back
		if err := back.SetValues(tt.vals); err == nil {
			t.Errorf("SetValues with %s: no error", tt.name)
		}
		if back != kept {
			t.Errorf("SetValues with %s changed the metrics", tt.name)
		}
	}
}
