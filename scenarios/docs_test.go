package scenarios

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/trustsim/trustsim/sim"
)

const docsPath = "../docs/SCENARIOS.md"

// generatedDocs returns the parts of docs/SCENARIOS.md that are made from
// the code, by the name of their markers.
func generatedDocs() map[string]string {
	out := map[string]string{}
	for _, sec := range formatSections {
		var b strings.Builder
		b.WriteString("| Key | Type | Default | Allowed | Meaning |\n|---|---|---|---|---|\n")
		for _, k := range sec.Keys {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", k.Key, cell(k.Type), cell(k.Default), cell(k.Allowed), cell(k.Doc))
		}
		out["keys "+sec.Name] = b.String()
	}

	var b strings.Builder
	b.WriteString("| Name | Type | Default | Allowed | Unit | Meaning |\n|---|---|---|---|---|---|\n")
	p := sim.Default()
	seen := map[string]bool{}
	for _, s := range p.Specs() {
		name, def := s.Name, "`"+s.Value()+"`"
		if parts := strings.SplitN(name, ".", 3); parts[0] == "org" {
			name, def = "org.<name>."+parts[2], "by kind"
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		allowed := s.Allowed()
		if s.Type == sim.Float || s.Type == sim.Int {
			allowed = strconv.FormatFloat(s.Min, 'f', -1, 64) + " to " + strconv.FormatFloat(s.Max, 'f', -1, 64)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", name, s.Type, def, cell(allowed), cell(s.Unit), cell(s.Doc))
	}
	out["parameters"] = b.String()

	b.Reset()
	b.WriteString("| Kind | `positions` | `annual_turnover` | `vacancy_weeks` | `hire_alignment` | `hire_alignment_sd` |\n|---|---|---|---|---|---|\n")
	for _, k := range sim.KindNames() {
		kind, _ := sim.ParseKind(k)
		o := sim.DefaultOrg("x", kind)
		var pos, turn []string
		for r, n := range sim.RoleNames() {
			if o.Positions[r] > 0 {
				pos = append(pos, fmt.Sprintf("%s = %d", n, o.Positions[r]))
			}
			if o.AnnualTurnover[r] > 0 {
				turn = append(turn, fmt.Sprintf("%s = %g", n, o.AnnualTurnover[r]))
			}
		}
		fmt.Fprintf(&b, "| %s | {%s} | {%s} | %g | %g | %g |\n", k, strings.Join(pos, ", "), strings.Join(turn, ", "), o.VacancyWeeks, o.HireAlignment, o.HireAlignmentSD)
	}
	out["org defaults"] = b.String()

	b.Reset()
	for _, m := range sim.MetricNames() {
		fmt.Fprintf(&b, "`%s` ", m)
	}
	out["metrics"] = strings.TrimSpace(b.String()) + "\n"

	b.Reset()
	b.WriteString("| Name | Question |\n|---|---|\n")
	for _, i := range Bundled() {
		fmt.Fprintf(&b, "| `%s` | %s |\n", i.Name, cell(i.Question))
	}
	out["bundled"] = b.String()
	return out
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

var markerRE = regexp.MustCompile(`(?s)<!-- BEGIN GENERATED: ([^>]+?) -->\n(.*?)<!-- END GENERATED -->`)

// TestDocs keeps docs/SCENARIOS.md in step with the code: its generated
// tables (every key of the format, every parameter, the bundled
// scenarios) must match what the code makes (go test -update rewrites
// them), and every key the document names in a table must exist.
func TestDocs(t *testing.T) {
	src, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	gen := generatedDocs()
	used := map[string]bool{}
	got := markerRE.ReplaceAllStringFunc(string(src), func(m string) string {
		sub := markerRE.FindStringSubmatch(m)
		text, ok := gen[sub[1]]
		if !ok {
			t.Errorf("%s: no generated part called %q", docsPath, sub[1])
			return m
		}
		used[sub[1]] = true
		return "<!-- BEGIN GENERATED: " + sub[1] + " -->\n" + text + "<!-- END GENERATED -->"
	})
	for name := range gen {
		if !used[name] {
			t.Errorf("%s lacks the generated part %q", docsPath, name)
		}
	}
	if got != string(src) {
		if *update {
			if err := os.WriteFile(docsPath, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		} else {
			t.Errorf("%s is out of step with the code; run go test ./scenarios -run TestDocs -update and review the diff", docsPath)
		}
	}

	// Every key named in the first column of a table exists.
	known := map[string]bool{}
	for _, sec := range formatSections {
		for _, k := range sec.Keys {
			known[k.Key] = true
		}
	}
	p := sim.Default()
	for _, s := range p.Specs() {
		name := s.Name
		if parts := strings.SplitN(name, ".", 3); parts[0] == "org" {
			name = "org.<name>." + parts[2]
		}
		known[name] = true
		parts := strings.Split(name, ".")
		for i := 1; i < len(parts); i++ {
			known[strings.Join(parts[:i], ".")] = true // groups and sections: [trust], org.<name>.positions
		}
	}
	for _, i := range Bundled() {
		known[i.Name] = true
	}
	for _, m := range sim.MetricNames() {
		known[m] = true
	}
	for _, k := range plotKinds {
		known[k] = true
	}
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\|")
	for _, m := range row.FindAllStringSubmatch(got, -1) {
		if !known[m[1]] {
			t.Errorf("%s documents %q, which is not a key, parameter, metric, plot kind or bundled scenario", docsPath, m[1])
		}
	}
}

// TestDocsExamples parses every TOML example of docs/SCENARIOS.md, so
// that none of them shows something the parser refuses.
func TestDocsExamples(t *testing.T) {
	src, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```toml\n(.*?)```").FindAllStringSubmatch(string(src), -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d TOML examples", len(blocks))
	}
	for i, b := range blocks {
		if _, err := Parse(fmt.Sprintf("example %d", i+1), []byte(b[1])); err != nil {
			t.Errorf("example %d:\n%s\n%v", i+1, b[1], err)
		}
	}
}
