//go:build unix

package sim_test

import (
	"runtime"
	"syscall"
)

// peakRSSMB returns the peak resident memory of this process in MB
// (getrusage), or 0 when the system does not tell.
func peakRSSMB() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	kb := float64(ru.Maxrss)
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		kb /= 1024 // bytes there
	}
	return kb / 1024
}
