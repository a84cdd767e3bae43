package sim

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// ValueType is the type of a parameter's value.
type ValueType uint8

// The parameter value types.
const (
	Float ValueType = iota
	Int
	Bool
	Enum
)

var valueTypeNames = []string{"number", "integer", "boolean", "string"}

// String names the type as an error message would ("number", "integer", ...).
func (t ValueType) String() string { return valueTypeNames[t] }

// Spec describes one parameter that a scenario or a sweep can set by its
// dotted name. Specs are the single source of names, ranges, units and
// docs: Set checks against them and docs/SCENARIOS.md is kept in step
// with them by a test.
type Spec struct {
	// Name is the dotted name, e.g. "policy.relationship_share" or
	// "org.parent_ed.annual_turnover.staff".
	Name string
	Type ValueType
	// Min and Max bound Float and Int values (inclusive).
	Min, Max float64
	// Enum lists the allowed values of an Enum parameter.
	Enum []string
	// Unit is the unit of a number ("1/week", "fraction", "weeks", ...).
	Unit string
	// Doc is a one-line description.
	Doc string

	f *float64
	i *int
	b *bool
	e *uint8
}

// Allowed describes the allowed values, for error messages and docs.
func (s *Spec) Allowed() string {
	switch s.Type {
	case Float:
		return fmt.Sprintf("a number from %s to %s", fmtNum(s.Min), fmtNum(s.Max))
	case Int:
		return fmt.Sprintf("an integer from %s to %s", fmtNum(s.Min), fmtNum(s.Max))
	case Bool:
		return "true or false"
	default:
		return "one of " + strings.Join(quoteAll(s.Enum), ", ")
	}
}

// Value returns the current value formatted as a scenario would write it.
func (s *Spec) Value() string {
	switch s.Type {
	case Float:
		return strconv.FormatFloat(*s.f, 'g', -1, 64)
	case Int:
		return strconv.Itoa(*s.i)
	case Bool:
		return strconv.FormatBool(*s.b)
	default:
		return s.Enum[*s.e]
	}
}

// ParamError is a problem with one parameter: what is wrong with it and
// what is allowed. Name is a dotted parameter name or, for structural
// checks, a path such as "event[2].who.org".
type ParamError struct {
	Name    string
	Problem string
	Allowed string
}

// Error formats the problem as "name: problem; allowed".
func (e *ParamError) Error() string {
	if e.Allowed == "" {
		return e.Name + ": " + e.Problem
	}
	return e.Name + ": " + e.Problem + "; " + e.Allowed
}

// Errors is a list of parameter problems reported together.
type Errors []*ParamError

// Error lists the problems one per line.
func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns nil for an empty list and the list otherwise.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// Specs returns the specs of every parameter of p in a fixed order, with
// org.<name>.* entries for each organization. A spec's setter writes into
// p itself.
func (p *Params) Specs() []Spec {
	var s []Spec
	p.eachSpec(func(sp Spec) { s = append(s, sp) })
	return s
}

// eachSpec calls visit with the spec of every parameter of p, in the
// order of Specs, without collecting them: Validate, which New calls for
// every run of a batch, needs each spec once.
func (p *Params) eachSpec(visit func(Spec)) {
	fl := func(name string, v *float64, lo, hi float64, unit, doc string) {
		visit(Spec{Name: name, Type: Float, Min: lo, Max: hi, Unit: unit, Doc: doc, f: v})
	}
	in := func(name string, v *int, lo, hi float64, unit, doc string) {
		visit(Spec{Name: name, Type: Int, Min: lo, Max: hi, Unit: unit, Doc: doc, i: v})
	}
	bo := func(name string, v *bool, doc string) {
		visit(Spec{Name: name, Type: Bool, Doc: doc, b: v})
	}
	en := func(name string, v *uint8, values []string, doc string) {
		visit(Spec{Name: name, Type: Enum, Enum: values, Doc: doc, e: v})
	}
	const maxWeeks = 52 * 100

	in("horizon", &p.Horizon, 1, maxWeeks, "weeks", "number of weekly steps recorded")
	in("warmup", &p.Warmup, 0, maxWeeks, "weeks", "weekly steps run before recorded week 0, so that recording starts from the initiative's steady state")

	t := &p.Trust
	fl("trust.growth_per_hour", &t.GrowthPerHour, 0, 1, "1/hour", "α: trust gained per dedicated hour at full alignment, as a share of the distance to 1")
	fl("trust.work_discount", &t.WorkDiscount, 0, 1, "ratio", "multiplier of α for hours in meetings and direct work")
	fl("trust.negative_max", &t.NegativeMax, 0, 1, "probability", "chance that a contact between people with no alignment is a bad experience")
	fl("trust.break_fraction", &t.BreakFraction, 0, 1, "fraction", "share of trust a bad experience destroys")
	fl("trust.decay", &t.Decay, 0, 1, "1/week", "δ0: weekly decay rate of a weak tie without contact")
	fl("trust.decay_strength_protection", &t.DecayStrengthProtection, 0, 10, "ratio", "c_T: strong ties decay slower by 1/(1+c_T·T)")
	fl("trust.decay_dissimilarity", &t.DecayDissimilarity, 0, 10, "ratio", "c_a: ties between people who differ in alignment decay faster by (1+c_a·|a_i-a_j|)")
	fl("trust.drop_below", &t.DropBelow, 0, 0.5, "trust", "T_min: a tie whose trust falls below this is dropped")
	fl("trust.alignment_pull", &t.AlignmentPull, 0, 1, "fraction", "how far a positive contact pulls the less aligned person toward the other, per unit trust")

	n := &p.Network
	fl("network.hours_per_contact", &n.HoursPerContact, 0.1, 40, "hours", "length of one relationship-building contact")
	fl("network.explore_probability", &n.ExploreProbability, 0, 1, "probability", "chance that a relationship-building contact goes to someone new")
	in("network.maintenance_focus", &n.MaintenanceFocus, 1, 100, "ties", "k: maintenance contacts go to one of the person's k strongest ties")
	fl("network.introduction_probability", &n.IntroductionProbability, 0, 1, "probability", "chance that someone new is sought through a friend's introduction")
	fl("network.cold_contact_probability", &n.ColdContactProbability, 0, 1, "probability", "chance that, failing an introduction, someone new is found cold in another organization")
	fl("network.homophily", &n.Homophily, 0, 20, "1/alignment", "β: a new contact is accepted with probability exp(-β·|a_i-a_j|)")
	fl("network.colleague_contacts", &n.ColleagueContacts, 0, 20, "contacts/week", "work contacts per week with a random colleague")
	in("network.initial_colleague_ties", &n.InitialColleagueTies, 0, 50, "ties", "ties to colleagues each person starts with")
	fl("network.initial_colleague_trust", &n.InitialColleagueTrust, 0, 1, "trust", "trust of those initial colleague ties")

	c := &p.Convening
	in("convening.interval", &c.Interval, 0, 520, "weeks", "weeks between backbone convenings; 0 turns them off")
	for r := Role(0); r < NumRoles; r++ {
		bo("convening.attend."+r.String(), &c.Attend[r], "whether people in the "+r.String()+" role are invited to convenings")
	}
	fl("convening.attendance", &c.Attendance, 0, 1, "probability", "chance that an invited person attends")
	in("convening.contacts", &c.Contacts, 0, 50, "contacts", "contact attempts of each attendee with attendees of other organizations")
	fl("convening.hours", &c.Hours, 0, 40, "hours", "length of a convening, taken from direct work")
	bo("convening.relational", &c.Relational, "relationship building is built into the meeting (contacts count as dedicated hours)")
	fl("convening.alignment_pull", &c.AlignmentPull, 0, 1, "fraction", "ω: pull of one convening on an attendee's alignment toward 1")

	fl("alignment.relaxation", &p.Alignment.Relaxation, 0, 1, "1/week", "weekly return of alignment toward the person's own baseline")
	fl("turnover.embeddedness", &p.Turnover.Embeddedness, 0, 10, "1/trust", "η: leaving hazard × exp(-η·summed cross-organization trust); 0 is off")

	po := &p.Policy
	fl("policy.relationship_share", &po.RelationshipShare, 0, 1, "fraction", "share of working hours spent on relationship building")
	bo("policy.sustained", &po.Sustained, "relationship building continues for the whole run; false stops it after formation_weeks")
	in("policy.formation_weeks", &po.FormationWeeks, 0, maxWeeks, "weeks", "length of the formation phase when not sustained")
	fl("policy.handoff_share", &po.HandoffShare, 0, 1, "fraction", "share of a leaver's trust passed to the successor (warm handoff)")
	fl("policy.handoff_coverage", &po.HandoffCoverage, 0, 1, "probability", "chance each cross-organization tie is handed over")
	en("policy.funder_model", (*uint8)(&po.FunderModel), funderModelNames, "grantor-grantee or partnership")
	fl("policy.engagement", &po.Engagement, 0, 1, "fraction", "share of community members engaged as co-producers")

	fm := &p.FunderModels
	fl("funder_models.unfunded_share", &fm.UnfundedShare, 0, 1, "fraction", "cap on relationship building under grantor-grantee")
	fl("funder_models.reporting_grantor_grantee", &fm.ReportingGrantorGrantee, 0, 1, "fraction", "share of funded hours spent reporting under grantor-grantee")
	fl("funder_models.reporting_partnership", &fm.ReportingPartnership, 0, 1, "fraction", "share of funded hours spent reporting under partnership")

	pa := &p.Partnership
	fl("partnership.leader_weight", &pa.LeaderWeight, 0, 1, "weight", "w of a tie held by a leader in partnership strength")
	fl("partnership.staff_weight", &pa.StaffWeight, 0, 1, "weight", "w of any other tie in partnership strength")
	fl("partnership.min_trust", &pa.MinTrust, 0, 1, "trust", "trust from which a tie carries its partnership (working trust)")
	fl("partnership.active_threshold", &pa.ActiveThreshold, 0, 1, "strength", "strength from which a partnership counts as active")
	fl("partnership.memory_gain", &pa.MemoryGain, 0, 1, "1/week", "ε_up: weekly gain of institutional memory")
	fl("partnership.memory_loss", &pa.MemoryLoss, 0, 1, "1/week", "ε_down: weekly loss of institutional memory")
	fl("partnership.memory_floor", &pa.MemoryFloor, 0, 1, "fraction", "ζ: share of institutional memory that survives a reset; 0 is the seed's reset to zero")

	ar := &p.Arrangements
	fl("arrangements.min_trust", &ar.MinTrust, 0, 1, "trust", "θ: champions' trust below which an arrangement ends, and at which it is rebuilt")
	fl("arrangements.min_alignment", &ar.MinAlignment, 0, 1, "alignment", "v: alignment a successor needs to see the arrangement's value")
	fl("arrangements.review_spread", &ar.ReviewSpread, 0.001, 1, "alignment", "τ: softness of the successor's keep decision")
	in("arrangements.grace_weeks", &ar.GraceWeeks, 0, 520, "weeks", "weeks an arrangement stays in force while its champions have no tie")
	fl("arrangements.contact_hours", &ar.ContactHours, 0, 40, "hours/week", "weekly work time champions of an active arrangement spend together")

	fl("community.contacts", &p.Community.Contacts, 0, 20, "contacts/week", "weekly contacts of an engaged member with people of nonprofits")

	re := &p.Results
	// Members do no direct work, so only the working roles have these.
	for r := Role(0); r < Member; r++ {
		fl("results.hours_per_week."+r.String(), &re.HoursPerWeek[r], 0, 80, "hours/week", "working time of a "+r.String())
	}
	for r := Role(0); r < Member; r++ {
		fl("results.productivity."+r.String(), &re.Productivity[r], 0, 10, "results/hour", "results per direct-work hour of a "+r.String())
	}
	fl("results.coordination_gain", &re.CoordinationGain, 0, 5, "ratio", "γ_c: results gain at full partnership strength")
	fl("results.coproduction_gain", &re.CoproductionGain, 0, 5, "ratio", "γ_cp: results gain at full co-production")

	for i := range p.Orgs {
		o := &p.Orgs[i]
		pre := "org." + o.Name + "."
		for r := Role(0); r < NumRoles; r++ {
			in(pre+"positions."+r.String(), &o.Positions[r], 0, 1e6, "positions", "number of "+r.String()+" positions")
		}
		for r := Role(0); r < NumRoles; r++ {
			fl(pre+"annual_turnover."+r.String(), &o.AnnualTurnover[r], 0, 1, "share/year", "realised annual turnover of the role: the share of the people in post who leave in a year")
		}
		fl(pre+"vacancy_weeks", &o.VacancyWeeks, 0, 520, "weeks", "mean time a vacated position stays empty")
		fl(pre+"hire_alignment", &o.HireAlignment, 0, 1, "alignment", "mean alignment of new people")
		fl(pre+"hire_alignment_sd", &o.HireAlignmentSD, 0, 1, "alignment", "spread of new people's alignment")
	}
}

// Names returns every dotted name of p, sorted.
func (p *Params) Names() []string {
	specs := p.Specs()
	names := make([]string, len(specs))
	for i := range specs {
		names[i] = specs[i].Name
	}
	sort.Strings(names)
	return names
}

// Lookup returns the spec of a dotted name.
func (p *Params) Lookup(name string) (Spec, bool) {
	for _, s := range p.Specs() {
		if s.Name == name {
			return s, true
		}
	}
	return Spec{}, false
}

// Get returns the current value of a dotted name as a string.
func (p *Params) Get(name string) (string, error) {
	s, ok := p.Lookup(name)
	if !ok {
		return "", p.unknown(name)
	}
	return s.Value(), nil
}

// Set sets the parameter called name. The value may be a float64, an int,
// an int64, a bool or a string (parsed according to the parameter's
// type), so that scenario decoders and command-line flags share one path.
// Group names set every member: "org.<name>.annual_turnover" sets every
// role, and "org.*.<field>" sets the field in every organization. Errors
// are *ParamError values that say what is wrong and what is allowed.
func (p *Params) Set(name string, value any) error {
	specs := p.Specs()
	matched := false
	for i := range specs {
		if !MatchName(name, specs[i].Name) {
			continue
		}
		matched = true
		if err := specs[i].set(value); err != nil {
			err.Name = name
			return err
		}
	}
	if !matched {
		return p.unknown(name)
	}
	return nil
}

// MatchName reports whether a name given to Set addresses the spec name:
// exactly, with "*" standing for one organization name, or as a group
// prefix ("org.x.annual_turnover" for each role). Scenario validation
// uses it to see which parameters a setting touches.
func MatchName(pattern, name string) bool {
	ps, ns := strings.Split(pattern, "."), strings.Split(name, ".")
	if len(ps) > len(ns) {
		return false
	}
	for i := range ps {
		if ps[i] != ns[i] && !(ps[i] == "*" && i == 1 && ns[0] == "org") {
			return false
		}
	}
	if len(ps) == len(ns) {
		return true
	}
	// Group prefix: only the per-role tables, whose last part is a role.
	if len(ns) != len(ps)+1 {
		return false
	}
	_, err := ParseRole(ns[len(ns)-1])
	return err == nil
}

func (p *Params) unknown(name string) *ParamError {
	e := &ParamError{Name: name, Problem: "unknown parameter"}
	if s := Suggest(name, p.Names()); s != "" {
		e.Allowed = "did you mean " + strconv.Quote(s) + "?"
	} else {
		e.Allowed = "see docs/SCENARIOS.md for the parameter names"
	}
	return e
}

func (s *Spec) set(value any) *ParamError {
	bad := func(problem string) *ParamError {
		return &ParamError{Name: s.Name, Problem: problem, Allowed: "want " + s.Allowed()}
	}
	switch s.Type {
	case Float, Int:
		var x float64
		switch v := value.(type) {
		case float64:
			x = v
		case int:
			x = float64(v)
		case int64:
			x = float64(v)
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return bad(fmt.Sprintf("%q is not a number", v))
			}
			x = f
		default:
			return bad(fmt.Sprintf("got %s", describe(value)))
		}
		if math.IsNaN(x) || x < s.Min || x > s.Max {
			return bad(fmt.Sprintf("%s is out of range", fmtNum(x)))
		}
		if s.Type == Int {
			if x != math.Trunc(x) {
				return bad(fmt.Sprintf("%s is not a whole number", fmtNum(x)))
			}
			*s.i = int(x)
		} else {
			*s.f = x
		}
	case Bool:
		switch v := value.(type) {
		case bool:
			*s.b = v
		case string:
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return bad(fmt.Sprintf("%q is not a boolean", v))
			}
			*s.b = b
		default:
			return bad(fmt.Sprintf("got %s", describe(value)))
		}
	case Enum:
		v, ok := value.(string)
		if !ok {
			return bad(fmt.Sprintf("got %s", describe(value)))
		}
		for k, e := range s.Enum {
			if e == strings.TrimSpace(v) {
				*s.e = uint8(k)
				return nil
			}
		}
		return bad(fmt.Sprintf("%q is not allowed", v))
	}
	return nil
}

// check reports whether the current value is within the spec's range.
func (s *Spec) check() *ParamError {
	switch s.Type {
	case Float:
		if x := *s.f; math.IsNaN(x) || x < s.Min || x > s.Max {
			return &ParamError{Name: s.Name, Problem: fmt.Sprintf("%s is out of range", fmtNum(x)), Allowed: "want " + s.Allowed()}
		}
	case Int:
		if x := float64(*s.i); x < s.Min || x > s.Max {
			return &ParamError{Name: s.Name, Problem: fmt.Sprintf("%s is out of range", fmtNum(x)), Allowed: "want " + s.Allowed()}
		}
	case Enum:
		if int(*s.e) >= len(s.Enum) {
			return &ParamError{Name: s.Name, Problem: "invalid value", Allowed: "want " + s.Allowed()}
		}
	}
	return nil
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case float64, float32, int, int64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}

// fmtNum formats x for a message: plain decimals, except that a number
// of 1e21 or more, or below 1e-6, in magnitude is written with an
// exponent (1e+308, not 309 digits).
func fmtNum(x float64) string {
	if a := math.Abs(x); a != 0 && (a >= 1e21 || a < 1e-6) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

func quoteAll(ss []string) []string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return q
}

// Suggest returns the candidate closest to name by edit distance, or ""
// when none is close enough to be a likely typo. Scenario validation uses
// it for "did you mean" hints.
func Suggest(name string, candidates []string) string {
	best, bestD := "", len(name)/2+2
	for _, c := range candidates {
		// The distance is at least the difference in length: a
		// candidate that differs by bestD or more cannot win, and
		// skipping it bounds the cost for a long name (a 1 MB key).
		if diff := len(name) - len(c); diff >= bestD || -diff >= bestD {
			continue
		}
		if d := editDistance(name, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
