// Package scenarios reads scenario files: TOML documents that state an
// initiative (its organizations, shared history, arrangements, policies
// and scheduled events), any model parameter by its dotted name, and the
// strategies and sweeps that expand it into design points. Load and Parse
// return a validated Scenario; every problem in a file is reported in one
// pass as an ErrorList of *Error, each with the line and column of the key
// or value concerned. Scenario.Plan expands a Scenario into a batch.Plan.
// The bundled scenarios (Bundled, Source) are embedded in the binary.
// docs/SCENARIOS.md describes the format.
package scenarios
