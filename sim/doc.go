// Package sim is the trust-and-turnover model of trustsim: people in
// organizations form ties, build trust, leave and are replaced, and the
// initiative's results follow from direct work, partnerships and
// co-production. docs/MODEL.md describes it in the ODD protocol and names
// the function implementing each submodel.
//
// Params holds every parameter (Default gives the documented defaults;
// Set changes one by its dotted name). New builds a Model from Params and
// a seed; Advance runs one weekly step and returns its Metrics; Run
// streams the metrics of a whole run to a Sink. The package does no file
// or terminal I/O and holds no global state, and all randomness comes
// from math/rand/v2 streams derived from the seed, so identical inputs
// give identical outputs and runs can execute concurrently.
package sim
