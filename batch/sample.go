package batch

import (
	"fmt"
	"math/rand/v2"

	"github.com/trustsim/trustsim/sensitivity"
)

// Sample describes a sampled design: how its design points were drawn
// from the distributions of the sampled parameters, so that the design
// can be drawn again (Design) and analysed. A plan with a Sample has one
// design point per row of the design (per strategy, strategies
// outermost), and Plan.Swept names the sampled parameters.
type Sample struct {
	// Method is a sensitivity.Method: latin, sobol, morris or montecarlo.
	Method string `json:"method"`
	// Size is the number of points, base samples (sobol) or trajectories
	// (morris); sensitivity.Spec.Size.
	Size int `json:"size"`
	// Levels is the number of grid levels of a Morris design, else 0.
	Levels int `json:"levels,omitempty"`
	// SecondOrder asks a Sobol design for second-order indices.
	SecondOrder bool `json:"second_order,omitempty"`
	// Seed fixes the design (and the bootstrap of its intervals); JSON
	// writes it in decimal digits, as manifest.json does every seed.
	Seed uint64 `json:"seed,string"`
	// Bootstrap is the number of bootstrap resamples behind the 95%
	// intervals of the estimates.
	Bootstrap int `json:"bootstrap"`
	// Params are the sampled parameters in file order.
	Params []SampleParam `json:"params"`
}

// SampleParam is one sampled parameter and its distribution. Dist is
// uniform (Min, Max), loguniform (Min, Max), triangular (Min, Mode, Max),
// normal (Mean, SD truncated to Min, Max) or choice (Choices, the values
// as the scenario writes them, equally likely).
type SampleParam struct {
	Name    string   `json:"name"`
	Dist    string   `json:"dist"`
	Min     float64  `json:"min"`
	Max     float64  `json:"max"`
	Mode    float64  `json:"mode,omitempty"`
	Mean    float64  `json:"mean,omitempty"`
	SD      float64  `json:"sd,omitempty"`
	Choices []string `json:"choices,omitempty"`
}

// SampleDists are the distributions a SampleParam can name.
func SampleDists() []string {
	return []string{"uniform", "loguniform", "triangular", "normal", "choice"}
}

// Distribution returns the parameter's distribution.
func (p *SampleParam) Distribution() (sensitivity.Distribution, error) {
	switch p.Dist {
	case "uniform":
		return sensitivity.Uniform{Min: p.Min, Max: p.Max}, nil
	case "loguniform":
		return sensitivity.LogUniform{Min: p.Min, Max: p.Max}, nil
	case "triangular":
		return sensitivity.Triangular{Min: p.Min, Mode: p.Mode, Max: p.Max}, nil
	case "normal":
		return sensitivity.TruncNormal{Mean: p.Mean, SD: p.SD, Min: p.Min, Max: p.Max}, nil
	case "choice":
		return sensitivity.Choice{N: len(p.Choices)}, nil
	}
	return nil, fmt.Errorf("unknown distribution %q", p.Dist)
}

// Spec returns the sensitivity.Spec of the design.
func (s *Sample) Spec() (sensitivity.Spec, error) {
	spec := sensitivity.Spec{Method: sensitivity.Method(s.Method), Size: s.Size, Levels: s.Levels, SecondOrder: s.SecondOrder}
	for i := range s.Params {
		d, err := s.Params[i].Distribution()
		if err != nil {
			return spec, fmt.Errorf("%s: %w", s.Params[i].Name, err)
		}
		spec.Params = append(spec.Params, sensitivity.Parameter{Name: s.Params[i].Name, Dist: d})
	}
	return spec, spec.Validate()
}

// The streams of the design's seed: one draws the design, the other the
// bootstrap resamples, so that more resamples leave the design alone.
const (
	designStream    = 0x64657369676e // "design"
	bootstrapStream = 0x626f6f74     // "boot"
)

// Design draws the design: the same rows for the same Sample on every
// machine.
func (s *Sample) Design() (*sensitivity.Design, error) {
	spec, err := s.Spec()
	if err != nil {
		return nil, err
	}
	return sensitivity.NewDesign(spec, rand.NewPCG(s.Seed, designStream))
}

// BootstrapSource returns the random source of the design's bootstrap.
func (s *Sample) BootstrapSource() rand.Source { return rand.NewPCG(s.Seed, bootstrapStream) }
