//go:build race

package main

// raceEnabled is true when the tests run under the race detector, which
// slows plotting so much that the whole default scenario is left out.
const raceEnabled = true
