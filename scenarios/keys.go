package scenarios

import "github.com/trustsim/trustsim/batch"

// keyDoc documents one key of the scenario format. The parser takes each
// table's allowed keys from these, and docs/SCENARIOS.md's key tables are
// generated from them (a test keeps the two in step).
type keyDoc struct {
	Key     string
	Type    string
	Default string
	Allowed string
	Doc     string
}

// section is one kind of table in a scenario file and its keys.
type section struct {
	Name string // how the docs name the table, e.g. "[[org]]"
	Keys []keyDoc
}

// Limits of the format. Values beyond them are refused with a message
// that says the limit.
const (
	maxReplicates = 1_000_000
	maxWeeks      = 52 * 100 // as sim's horizon range
	// maxOrgs guards against typos and absurd input only: the model keeps
	// state for the pairs of organizations that have ever had a tie, so
	// its cost grows with ties, not with the square of the organizations.
	// A city-wide initiative of a million people has about 6,400.
	maxOrgs         = 100_000
	maxOrgCount     = maxOrgs
	maxSweepValues  = 10_000
	maxStaffTies    = 10_000
	maxNameLength   = 100
	defaultReplicas = 1
	defaultSeed     = 1
	defaultEvery    = 1
)

// Defaults of list entries that the model has no default for.
const (
	defaultHistoryTrust     = 0.6
	defaultArrangementValue = 20
	defaultArrangementTrust = 0.7
	defaultMetric           = "results"
)

// plotKinds are the kinds of plot a [[plot]] entry can request; package
// output draws each of them.
var plotKinds = batch.PlotKinds()

var (
	topKeys = section{"top level", []keyDoc{
		{"name", "string", "the file name without .toml", "letters, digits, '-', '_' and '.', at most 100 characters", "the scenario's name; results go to out/<name> by default"},
		{"description", "string", `""`, "any text", "what question the scenario answers; its first line is the one-line summary `trustsim scenarios` shows"},
		{"question", "string", `""`, "any text", "the question the scenario asks, in the funder's words; report.html opens with it"},
		{"levers", "array of strings", "swept policy.* and convening.* names", "names of [sweep]", "swept parameters that are the funder's choices; strategies are always levers"},
		{"conditions", "array of strings", "every other swept name", "names of [sweep]", "swept parameters that the initiative faces (turnover, sizes, assumptions)"},
		{"baseline", "string or table", "the first strategy and each swept lever's first value", "a strategy's name, or a table of strategy = name and swept lever = value", "the status quo that each lever's gain is measured from"},
		{"replicates", "integer", "1", "1 to 1000000", "runs per design point; replicate r of every design point runs on the same seed"},
		{"seed", "integer", "1", "0 to 9223372036854775807; up to 18446744073709551615 in quotes", "base seed: replicate r's seed is derived from (seed, r); a TOML integer stops at 2^63-1, so a larger seed (as --seed takes and manifest.json records) is written in quotes: seed = \"18446744073709551615\""},
		{"every", "integer", "1", "1 to 5200", "keep every k-th step in timeseries.csv"},
		{"params", "table", "", "dotted name = value", "any parameter by its dotted name, e.g. \"org.parent_ed.vacancy_weeks\" = 8"},
		{"sweep", "table", "", "dotted name = list or range", "parameters to sweep; several form a full-factorial grid"},
		{"sample", "table", "", "see [sample]", "a sampled design over uncertain parameters and its sensitivity analysis; not with [sweep]"},
		{"org", "array of tables", "the default initiative", "at most 100000 organizations", "the organizations; see [[org]]"},
		{"history", "array of tables", "the default history (none when [[org]] is given)", "see [[history]]", "shared histories: ties between organizations at the start"},
		{"arrangement", "array of tables", "priority_access (none when [[org]] is given)", "see [[arrangement]]", "joint arrangements held by one person on each side"},
		{"event", "array of tables", "none", "see [[event]]", "scheduled shocks"},
		{"strategy", "array of tables", "none", "see [[strategy]]", "named bundles of parameter values compared side by side"},
		{"plot", "array of tables", "none", "see [[plot]]", "extra plots to draw besides the standard ones"},
	}}
	orgKeys = section{"[[org]]", []keyDoc{
		{"name", "string", "required", "lower-case letters, digits and '_', starting with a letter; unique", "names the organization in events, arrangements and org.<name>.<field>"},
		{"kind", "string", "required", "nonprofit, funder, backbone, community", "the kind of organization"},
		{"count", "integer", "1", "1 to 100000", "make this many organizations alike, named <name>_1 … <name>_<count>"},
		{"positions", "table role = integer", "by kind (below)", "0 to 1000000 per role; a community holds members only", "positions per role; roles left out keep the kind's default"},
		{"annual_turnover", "table role = number, or number", "by kind (below)", "0 to 1", "probability per year that the holder of a position leaves; a single number sets every role"},
		{"vacancy_weeks", "number", "by kind (below)", "0 to 520", "mean weeks a vacated position stays empty"},
		{"hire_alignment", "number", "by kind (below)", "0 to 1", "mean alignment with the common purpose of people who join"},
		{"hire_alignment_sd", "number", "by kind (below)", "0 to 1", "spread of that alignment"},
	}}
	historyKeys = section{"[[history]]", []keyDoc{
		{"a", "string", "required", "an organization", "one organization"},
		{"b", "string", "required", "another organization", "the other organization"},
		{"leader_tie", "boolean", "true", "true or false", "a tie between the first leader of each"},
		{"staff_ties", "integer", "0", "0 to 10000", "further ties between randomly chosen non-leaders of a and b"},
		{"trust", "number", "0.6", "0 to 1", "initial trust of every tie of this history"},
	}}
	arrangementKeys = section{"[[arrangement]]", []keyDoc{
		{"name", "string", "required", "unique", "names the arrangement in outputs"},
		{"a", "person", "required", "see Persons", "the champion on one side"},
		{"b", "person", "required", "see Persons", "the champion on the other side, of another organization"},
		{"value", "number", "20", "0 or more", "results per week the arrangement adds while active (results units)"},
		{"trust", "number", "0.7", "0 to 1", "initial trust of the champions' tie"},
	}}
	personKeys = section{"person", []keyDoc{
		{"org", "string", "required", "an organization", "the organization"},
		{"role", "string", `"leader"`, "leader, staff, volunteer, member", "the role"},
		{"index", "integer", "0", "0 to positions-1; \"all\" in an event's who", "which position of that role, from 0"},
	}}
	eventKeys = section{"[[event]]", []keyDoc{
		{"step", "integer", "required", "0 to horizon-1", "the recorded week (from 0, after the warm-up) at whose start the event happens"},
		{"kind", "string", "required", "leave, join, exit, set", "what happens"},
		{"who", "person", "required for leave", "see Persons", "the position whose holder leaves; index \"all\" makes every holder of the role leave"},
		{"org", "string", "required for join and exit", "an organization", "the organization that joins (its positions are empty until then) or exits"},
		{"param", "string", "required for set", "a dotted parameter name", "the parameter a set event changes"},
		{"value", "any", "required for set", "a value of that parameter", "its new value"},
	}}
	strategyKeys = section{"[[strategy]]", []keyDoc{
		{"name", "string", "required", "unique, at most 100 characters, not starting with =, +, - or @", "names the strategy in outputs and plots"},
		{"description", "string", `""`, "any text", "what the strategy stands for"},
	}}
	plotKeys = section{"[[plot]]", []keyDoc{
		{"kind", "string", "required", "timeseries, response, heatmap, strategies, event", "the kind of plot"},
		{"metric", "string", `"results"`, "a metric name (column of timeseries.csv)", "the metric to plot"},
	}}
	sampleKeys = section{"[sample]", []keyDoc{
		{"method", "string", "required", "latin, sobol, morris, montecarlo", "how the design points are drawn: Latin hypercube, Saltelli's scheme on a Sobol' sequence (for Sobol' indices), Morris trajectories (elementary effects), or independent random points"},
		{"size", "integer", "required", "2 to 1000000", "points (latin, montecarlo), base samples N (sobol: N·(k+2) points, N·(2k+2) with second_order) or trajectories r (morris: r·(k+1) points), for k sampled parameters"},
		{"levels", "integer", "4 (morris)", "an even number from 2 to 100; morris only", "grid levels p of the Morris design; its step is p/(2(p−1))"},
		{"second_order", "boolean", "false", "true or false; sobol only", "also estimate second-order (pairwise interaction) indices"},
		{"seed", "integer", "the scenario's seed", "as the top-level seed", "fixes the design and the bootstrap"},
		{"bootstrap", "integer", "1000", "0 to 100000", "bootstrap resamples behind the 95% intervals in sensitivity.csv; 0 makes none"},
		{"params", "table", "required", "dotted name = distribution", "the sampled parameters (at most 16 for sobol), each with a distribution; see Distributions"},
	}}
	distKeys = section{"distribution", []keyDoc{
		{"dist", "string", "required", "uniform, loguniform, triangular, normal, choice", "the distribution's kind"},
		{"min", "number", "required but for choice", "a value of the parameter; less than max", "lowest value (normal: truncated there)"},
		{"max", "number", "required but for choice", "a value of the parameter", "highest value (normal: truncated there)"},
		{"mode", "number", "required for triangular", "min to max", "most likely value"},
		{"mean", "number", "required for normal", "any number", "mean of the normal distribution before truncation"},
		{"sd", "number", "required for normal", "more than 0", "its standard deviation"},
		{"values", "list", "required for choice", "at least two distinct values of the parameter", "equally likely values (the only kind for true/false and named choices)"},
	}}
	rangeKeys = section{"sweep range", []keyDoc{
		{"from", "number", "required", "any number in the parameter's range", "first value"},
		{"to", "number", "required", "from or more", "last value (included when the steps reach it)"},
		{"step", "number", "required", "more than 0", "distance between values"},
	}}
)

// formatSections lists every table of the format, in docs order.
var formatSections = []*section{&topKeys, &orgKeys, &historyKeys, &arrangementKeys, &personKeys, &eventKeys, &strategyKeys, &plotKeys, &rangeKeys, &sampleKeys, &distKeys}

func (s *section) names() []string {
	n := make([]string, len(s.Keys))
	for i, k := range s.Keys {
		n[i] = k.Key
	}
	return n
}

func (s *section) has(k string) bool {
	for _, d := range s.Keys {
		if d.Key == k {
			return true
		}
	}
	return false
}

// FormulaStart are the characters a strategy name may not start with: a
// spreadsheet reads a cell that starts with one of them as a formula
// (=HYPERLINK(...) in runs.csv would run when the file is opened), so
// names that go into the CSV files are refused at validation
// (docs/OUTPUTS.md, Conventions).
const FormulaStart = "=+-@"
