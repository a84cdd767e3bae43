package scenarios

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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
// leaving out the parts that are empty. What the user wrote is shown so
// that it cannot act on a terminal or flood it: a name holding a control
// character, invalid UTF-8 or more than maxShown characters is quoted
// (Quote), and control characters anywhere else are escaped (safeText).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(safeText(e.File))
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col))
	}
	b.WriteString(": ")
	if e.Name != "" {
		name := e.Name
		if needsQuote(name) {
			name = Quote(name)
		}
		b.WriteString(name + ": ")
	}
	b.WriteString(safeText(e.Problem))
	if e.Allowed != "" {
		b.WriteString("; " + safeText(e.Allowed))
	}
	return b.String()
}

// maxShown is how many characters of a name or value a message shows.
const maxShown = 80

// Quote returns s as a message shows what the user wrote: in double
// quotes, with quotes, backslashes, control characters and invalid UTF-8
// escaped as Go escapes them (strconv.Quote; other characters, non-ASCII
// ones included, as they are), and, when s has more than maxShown
// characters, its first 60 followed by "…" and its length.
func Quote(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= maxShown {
		return strconv.Quote(s)
	}
	cut := 0
	for i := range s {
		if cut == 60 {
			return strconv.Quote(s[:i]) + fmt.Sprintf("… (%d characters)", n)
		}
		cut++
	}
	return strconv.Quote(s)
}

// needsQuote reports whether a name cannot be shown as it is.
func needsQuote(s string) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxShown {
		return true
	}
	return strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) })
}

// maxText is how many characters of a problem or hint a message shows.
const maxText = 2000

// safeText escapes the control characters and invalid UTF-8 of a message
// part (a part quotes user text with %q, which escapes them already;
// this is for any that does not) and cuts a part longer than maxText
// characters.
func safeText(s string) string {
	if utf8.RuneCountInString(s) > maxText {
		i, n := 0, 0
		for i = range s {
			if n == maxText {
				break
			}
			n++
		}
		s = s[:i] + fmt.Sprintf("… (%d more characters)", utf8.RuneCountInString(s[i:]))
	}
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
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
