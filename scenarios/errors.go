package scenarios

import (
	"sort"
	"strconv"
	"strings"
)

// Error is one problem with a scenario: where it is (File, Line and Col,
// 1-based; Line is 0 when the problem concerns the whole file), which key
// or dotted parameter name it concerns, what is wrong and what is
// allowed. Command-line overrides report File "--set".
type Error struct {
	File      string
	Line, Col int
	Name      string
	Problem   string
	Allowed   string
}

// Error formats the problem as "file:line:col: name: problem; allowed",
// leaving out the parts that are empty.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col))
	}
	b.WriteString(": ")
	if e.Name != "" {
		b.WriteString(e.Name + ": ")
	}
	b.WriteString(e.Problem)
	if e.Allowed != "" {
		b.WriteString("; " + e.Allowed)
	}
	return b.String()
}

// ErrorList is every problem found in one pass over a scenario, sorted by
// position (like go/scanner.ErrorList).
type ErrorList []*Error

// Error joins the errors with newlines.
func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Err returns nil for an empty list and the list otherwise.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// sortDedup sorts the list by file, line and column (stably, so problems
// at one position keep the order they were found in) and drops repeats of
// a name at one position: the first message found there is the most
// specific one.
func (l ErrorList) sortDedup() ErrorList {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	type key struct {
		file      string
		line, col int
		name      string
	}
	seen := map[key]bool{}
	out := l[:0]
	for _, e := range l {
		k := key{e.File, e.Line, e.Col, e.Name}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out
}
