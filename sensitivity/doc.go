// Package sensitivity makes sampled designs and estimates how much each
// uncertain parameter drives a model's output: global sensitivity
// analysis. It does no I/O and holds no global state; every random draw
// comes from a rand.Source the caller passes in, so a design and its
// bootstrap intervals are fixed by their seeds.
//
// A Parameter maps the unit interval to its values through a
// Distribution (Uniform, LogUniform, Triangular, TruncNormal, Choice).
// NewDesign draws a Design for a Spec by one of four methods:
//
//   - MonteCarlo: independent uniform points;
//   - LatinHypercube: one point per stratum of every parameter
//     (gonum's samplemv.LatinHypercube);
//   - Sobol: Saltelli's (2010) A, B, AB_i (and BA_i for second-order
//     indices) matrices from a digitally shifted Sobol' sequence (Sobol,
//     built from the Joe–Kuo new-joe-kuo-6.21201 direction numbers);
//   - Morris: elementary-effects trajectories on a grid of p levels with
//     step Δ = p/(2(p−1)) (Morris 1991).
//
// Design.Analyze takes one output per design row and returns Indices:
// first-order (Saltelli 2010) and total (Jansen 1999) Sobol' indices and,
// where asked, second-order ones; Morris μ*, μ and σ; Spearman rank
// correlations for Monte Carlo and Latin hypercube designs; each with a
// percentile-bootstrap 95% interval. NoiseShare says how much of the
// output's variance is replicate noise rather than parameter effect.
//
// References: I. M. Sobol' (2001), Math. Comput. Simul. 55:271–280;
// A. Saltelli et al. (2010), Comput. Phys. Commun. 181:259–270;
// M. J. W. Jansen (1999), Comput. Phys. Commun. 117:35–43;
// S. Joe and F. Y. Kuo (2008), SIAM J. Sci. Comput. 30:2635–2654;
// M. D. Morris (1991), Technometrics 33:161–174;
// F. Campolongo, J. Cariboni and A. Saltelli (2007), Environ. Model.
// Softw. 22:1509–1518 (μ*).
package sensitivity
