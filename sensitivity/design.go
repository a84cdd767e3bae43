package sensitivity

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
	"gonum.org/v1/gonum/stat/samplemv"
)

// Method is how a design places its points.
type Method string

// The design methods.
const (
	MonteCarlo     Method = "montecarlo"
	LatinHypercube Method = "latin"
	SobolMethod    Method = "sobol"
	Morris         Method = "morris"
)

// Methods returns the design methods in the order the docs list them.
func Methods() []Method { return []Method{LatinHypercube, SobolMethod, Morris, MonteCarlo} }

// Parameter is one uncertain input: its name and distribution.
type Parameter struct {
	Name string
	Dist Distribution
}

// Spec says which design to draw.
type Spec struct {
	Method Method
	Params []Parameter
	// Size is the number of points (MonteCarlo, LatinHypercube), of base
	// samples N (SobolMethod: N·(k+2) rows, N·(2k+2) with SecondOrder) or
	// of trajectories r (Morris: r·(k+1) rows), for k parameters.
	Size int
	// Levels is the number p of grid levels of a Morris design (even, at
	// least 2); its step is Δ = p/(2(p−1)).
	Levels int
	// SecondOrder asks a Sobol design for the BA_i matrices that
	// second-order indices need.
	SecondOrder bool
}

// MaxRows bounds the rows of a design.
const MaxRows = 1 << 24

// Rows returns the number of rows the design has.
func (s *Spec) Rows() int {
	k := len(s.Params)
	switch s.Method {
	case SobolMethod:
		if s.SecondOrder {
			return s.Size * (2*k + 2)
		}
		return s.Size * (k + 2)
	case Morris:
		return s.Size * (k + 1)
	}
	return s.Size
}

// Validate reports a spec that NewDesign cannot draw.
func (s *Spec) Validate() error {
	k := len(s.Params)
	if k == 0 {
		return fmt.Errorf("sensitivity: no parameters")
	}
	seen := map[string]bool{}
	for _, p := range s.Params {
		if seen[p.Name] {
			return fmt.Errorf("sensitivity: parameter %q twice", p.Name)
		}
		seen[p.Name] = true
		if p.Dist == nil {
			return fmt.Errorf("sensitivity: parameter %q has no distribution", p.Name)
		}
		if err := p.Dist.Validate(); err != nil {
			return fmt.Errorf("sensitivity: parameter %q: %w", p.Name, err)
		}
	}
	switch s.Method {
	case MonteCarlo, LatinHypercube:
		if s.Size < 2 {
			return fmt.Errorf("sensitivity: size %d; want at least 2 points", s.Size)
		}
	case SobolMethod:
		if 2*k > MaxSobolDim {
			return fmt.Errorf("sensitivity: %d parameters; a Sobol' design takes at most %d", k, MaxSobolDim/2)
		}
		if s.Size < 2 {
			return fmt.Errorf("sensitivity: size %d; want at least 2 base samples", s.Size)
		}
	case Morris:
		if s.Levels < 2 || s.Levels%2 != 0 {
			return fmt.Errorf("sensitivity: %d levels; a Morris design wants an even number, at least 2", s.Levels)
		}
		if s.Size < 2 {
			return fmt.Errorf("sensitivity: size %d; want at least 2 trajectories", s.Size)
		}
	default:
		return fmt.Errorf("sensitivity: unknown method %q", s.Method)
	}
	if s.Rows() > MaxRows || s.Size > MaxRows {
		return fmt.Errorf("sensitivity: the design has more than %d rows", MaxRows)
	}
	return nil
}

// Design is a drawn design: one row per model evaluation.
type Design struct {
	Spec Spec
	// Unit holds each row's point in the unit cube, one coordinate per
	// parameter in Spec.Params order.
	Unit [][]float64
	// Values holds each row's parameter values: the Unit coordinates
	// through the parameters' quantile functions.
	Values [][]float64
	// morris holds, for a Morris design, the parameter each row after
	// the first of a trajectory moves and the sign of the move.
	morris []move
}

type move struct {
	param int
	sign  float64
}

// NewDesign draws the design spec asks for. Every random choice comes
// from src, so the design is fixed by src's seed: the Latin hypercube's
// strata, the Monte Carlo points, the Morris trajectories and the random
// digital shift applied to the Sobol' sequence.
func NewDesign(spec Spec, src rand.Source) (*Design, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	spec.Params = append([]Parameter(nil), spec.Params...)
	d := &Design{Spec: spec}
	k := len(spec.Params)
	switch spec.Method {
	case MonteCarlo:
		r := rand.New(src)
		d.Unit = make([][]float64, spec.Size)
		for i := range d.Unit {
			d.Unit[i] = make([]float64, k)
			for j := range d.Unit[i] {
				d.Unit[i][j] = r.Float64()
			}
		}
	case LatinHypercube:
		m := mat.NewDense(spec.Size, k, nil)
		samplemv.LatinHypercube{Q: distmv.NewUnitUniform(k, nil), Src: src}.Sample(m)
		d.Unit = make([][]float64, spec.Size)
		for i := range d.Unit {
			d.Unit[i] = append([]float64(nil), m.RawRowView(i)...)
		}
	case SobolMethod:
		d.saltelli(src)
	case Morris:
		d.trajectories(src)
	}
	d.Values = make([][]float64, len(d.Unit))
	for i, u := range d.Unit {
		d.Values[i] = make([]float64, k)
		for j, p := range spec.Params {
			d.Values[i][j] = p.Dist.Quantile(u[j])
		}
	}
	return d, nil
}

// saltelli lays out Saltelli's scheme: for each base sample n, rows A_n,
// AB_1n … AB_kn, [BA_1n … BA_kn,] B_n, where A_n and B_n are the first and
// last k coordinates of point n of a 2k-dimensional Sobol' sequence, and
// AB_i (BA_i) is A (B) with column i taken from B (A). The sequence is
// digitally shifted (each coordinate XORed with a random 32-bit word),
// which keeps its equidistribution and makes the seed choose the design.
func (d *Design) saltelli(src rand.Source) {
	k := len(d.Spec.Params)
	seq, _ := NewSobol(2 * k) // Validate checked the dimension
	r := rand.New(src)
	shift := make([]uint32, 2*k)
	for j := range shift {
		shift[j] = r.Uint32()
	}
	pt := make([]float64, 2*k)
	for range d.Spec.Size {
		seq.Next(pt)
		for j := range pt {
			pt[j] = float64(uint32(pt[j]*(1<<sobolBits))^shift[j]) / (1 << sobolBits)
		}
		a, b := pt[:k], pt[k:]
		d.Unit = append(d.Unit, append([]float64(nil), a...))
		for i := range k {
			row := append([]float64(nil), a...)
			row[i] = b[i]
			d.Unit = append(d.Unit, row)
		}
		if d.Spec.SecondOrder {
			for i := range k {
				row := append([]float64(nil), b...)
				row[i] = a[i]
				d.Unit = append(d.Unit, row)
			}
		}
		d.Unit = append(d.Unit, append([]float64(nil), b...))
	}
}

// trajectories draws Morris's (1991) one-at-a-time trajectories: a random
// base point on the grid {0, 1/(p−1), …, 1−Δ}, then k steps of ±Δ, one
// per parameter in random order, the direction of each chosen at random
// (a parameter moving down starts Δ higher), so every point stays on the
// grid and inside the unit cube.
func (d *Design) trajectories(src rand.Source) {
	k, p := len(d.Spec.Params), d.Spec.Levels
	delta := float64(p) / (2 * float64(p-1))
	r := rand.New(src)
	for range d.Spec.Size {
		x := make([]float64, k)
		sign := make([]float64, k)
		for j := range x {
			x[j] = float64(r.IntN(p/2)) / float64(p-1)
			sign[j] = 1
			if r.IntN(2) == 1 {
				sign[j] = -1
				x[j] += delta
			}
		}
		d.Unit = append(d.Unit, append([]float64(nil), x...))
		d.morris = append(d.morris, move{param: -1})
		for _, j := range r.Perm(k) {
			x[j] += float64(sign[j] * delta)
			// Stay exactly on the grid despite rounding.
			x[j] = float64(int(float64(x[j]*float64(p-1))+0.5)) / float64(p-1)
			d.Unit = append(d.Unit, append([]float64(nil), x...))
			d.morris = append(d.morris, move{param: j, sign: sign[j]})
		}
	}
}
