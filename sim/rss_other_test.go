//go:build !unix

package sim_test

// peakRSSMB returns 0: this system does not report peak memory here.
func peakRSSMB() float64 { return 0 }
