package scenarios

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// pos is a position in a scenario file: 1-based line and column, the
// column counted in characters (a UTF-8 "é" is one column, as an editor
// shows it).
type pos struct{ line, col int }

// vkind is the kind of a value in the document tree.
type vkind uint8

const (
	vTable vkind = iota
	vArray
	vString
	vInt
	vFloat
	vBool
	vTime
)

// node is a TOML value with the position of the value and of the key that
// names it, so that every check can point at the line holding the problem.
// The go-toml decoder checks the document's syntax; the tree is built from
// its unstable parser, which keeps byte ranges.
type node struct {
	kind vkind
	at   pos // where the value starts (a table: its header or first key)
	key  pos // where the key naming this node is (array items: same as at)

	str string
	i   int64
	f   float64
	b   bool

	keys  []string // table keys in order of first appearance
	kv    map[string]*node
	items []*node

	// arrayOfTables marks an array made by [[header]] entries; explicit
	// marks a table given its own [header].
	arrayOfTables, explicit bool
}

func newTable(at pos) *node { return &node{kind: vTable, at: at, key: at, kv: map[string]*node{}} }

func (n *node) get(k string) *node {
	if n == nil || n.kind != vTable {
		return nil
	}
	return n.kv[k]
}

func (n *node) set(k string, v *node) {
	if _, ok := n.kv[k]; !ok {
		n.keys = append(n.keys, k)
	}
	n.kv[k] = v
}

// describe names the kind of value as an error message would.
func (n *node) describe() string {
	switch n.kind {
	case vTable:
		return "a table"
	case vArray:
		return "a list"
	case vString:
		return "a string"
	case vInt:
		return "an integer"
	case vFloat:
		return "a number"
	case vBool:
		return "a boolean"
	}
	return "a date or time"
}

// text formats a scalar as the user wrote it (floats with strconv 'g').
func (n *node) text() string {
	switch n.kind {
	case vString:
		return n.str
	case vInt:
		return strconv.FormatInt(n.i, 10)
	case vFloat:
		return strconv.FormatFloat(n.f, 'g', -1, 64)
	case vBool:
		return strconv.FormatBool(n.b)
	}
	return n.describe()
}

// scalar returns the value in the form sim.Params.Set takes.
func (n *node) scalar() any {
	switch n.kind {
	case vString:
		return n.str
	case vInt:
		return n.i
	case vFloat:
		return n.f
	case vBool:
		return n.b
	}
	return nil
}

// doc parses src into a tree of nodes. A syntax error is returned as one
// *Error: a TOML parser stops at the first one.
type treeBuilder struct {
	file  string
	data  []byte
	lines []int // byte offset of the start of each line
}

func (tb *treeBuilder) pos(offset int) pos {
	i := sort.SearchInts(tb.lines, offset+1) - 1
	if i < 0 {
		i = 0
	}
	offset = min(max(offset, tb.lines[i]), len(tb.data))
	return pos{line: i + 1, col: utf8.RuneCount(tb.data[tb.lines[i]:offset]) + 1}
}

// byteOffset is the offset of the 1-based line and byte column.
func (tb *treeBuilder) byteOffset(line, col int) int {
	if line < 1 || line > len(tb.lines) {
		return -1
	}
	return tb.lines[line-1] + col - 1
}

func (tb *treeBuilder) rangePos(r unstable.Range) pos { return tb.pos(int(r.Offset)) }

func (tb *treeBuilder) fail(at pos, format string, args ...any) *Error {
	return &Error{File: tb.file, Line: at.line, Col: at.col, Problem: fmt.Sprintf(format, args...), Allowed: "see the TOML syntax at https://toml.io"}
}

func parseTree(file string, src []byte) (root *node, err *Error) {
	tb := &treeBuilder{file: file, data: src, lines: []int{0}}
	for i, c := range src {
		if c == '\n' {
			tb.lines = append(tb.lines, i+1)
		}
	}
	// The decoder checks everything TOML requires (duplicate keys, table
	// redefinitions, number and date syntax), which the unstable parser
	// does not.
	var m map[string]any
	if derr := toml.Unmarshal(src, &m); derr != nil {
		return nil, tb.decodeError(derr)
	}
	defer func() {
		// The tree builder trusts the decoder's verdict; should the two
		// ever disagree, report it as a syntax error rather than crash.
		if r := recover(); r != nil {
			root, err = nil, tb.fail(pos{1, 1}, "cannot read the file: %v", r)
		}
	}()
	root = newTable(pos{1, 1})
	cur := root
	var p unstable.Parser
	p.Reset(src)
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			parts, ats := tb.keyParts(e.Key())
			t := root
			for i := 0; i < len(parts)-1; i++ {
				if t, err = tb.descend(t, parts[i], ats[i]); err != nil {
					return nil, err
				}
			}
			last, at := parts[len(parts)-1], ats[len(parts)-1]
			child := t.get(last)
			if e.Kind == unstable.Table {
				switch {
				case child == nil:
					child = newTable(at)
					t.set(last, child)
				case child.kind != vTable || child.explicit:
					return nil, tb.fail(at, "table %q is defined twice", strings.Join(parts, "."))
				}
				child.explicit, child.at, child.key = true, at, at
				cur = child
			} else {
				if child == nil {
					child = &node{kind: vArray, at: at, key: at, arrayOfTables: true}
					t.set(last, child)
				} else if !child.arrayOfTables {
					return nil, tb.fail(at, "%q is not an array of tables", strings.Join(parts, "."))
				}
				item := newTable(at)
				item.explicit = true
				child.items = append(child.items, item)
				cur = item
			}
		case unstable.KeyValue:
			if err := tb.keyValue(cur, e); err != nil {
				return nil, err
			}
		}
	}
	if perr := p.Error(); perr != nil {
		return nil, tb.fail(pos{1, 1}, "%v", perr)
	}
	return root, nil
}

// decodeError converts a go-toml error into an *Error with its position.
func (tb *treeBuilder) decodeError(err error) *Error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position() // col counts bytes
		at := pos{1, 1}
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if off := tb.byteOffset(line, col); off >= 0 && off <= len(tb.data) {
			at = tb.pos(off)
			msg = tb.characterAt(off, msg)
		}
		e := tb.fail(at, "%s", msg)
		e.Name = strings.Join(de.Key(), ".")
		return e
	}
	return tb.fail(pos{1, 1}, "%s", strings.TrimPrefix(err.Error(), "toml: "))
}

// characterAt rewrites the parser's description of the character at
// offset: it names the byte there (U+00C3 'Ã' for the first byte of
// "é"), so it is replaced by the character the bytes encode, or by the
// byte in hex when they are not UTF-8.
func (tb *treeBuilder) characterAt(off int, msg string) string {
	if off >= len(tb.data) || tb.data[off] < utf8.RuneSelf {
		return msg
	}
	asByte := fmt.Sprintf("%U %q", rune(tb.data[off]), rune(tb.data[off]))
	if !strings.Contains(msg, asByte) {
		return msg
	}
	r, size := utf8.DecodeRune(tb.data[off:])
	if r == utf8.RuneError && size <= 1 {
		return strings.Replace(msg, asByte, fmt.Sprintf("byte 0x%02X, which is not UTF-8 text", tb.data[off]), 1)
	}
	return strings.Replace(msg, asByte, fmt.Sprintf("%U %q", r, r), 1)
}

func (tb *treeBuilder) keyParts(it unstable.Iterator) (parts []string, ats []pos) {
	for it.Next() {
		k := it.Node()
		parts = append(parts, string(k.Data))
		ats = append(ats, tb.rangePos(k.Raw))
	}
	return parts, ats
}

// descend returns the table called k in t, creating it if needed; in an
// array of tables it is the last entry, as TOML specifies.
func (tb *treeBuilder) descend(t *node, k string, at pos) (*node, *Error) {
	child := t.get(k)
	switch {
	case child == nil:
		child = newTable(at)
		t.set(k, child)
		return child, nil
	case child.kind == vTable:
		return child, nil
	case child.arrayOfTables && len(child.items) > 0:
		return child.items[len(child.items)-1], nil
	}
	return nil, tb.fail(at, "%q is not a table", k)
}

// keyValue adds the key = value expression e to table t.
func (tb *treeBuilder) keyValue(t *node, e *unstable.Node) *Error {
	parts, ats := tb.keyParts(e.Key())
	for i := 0; i < len(parts)-1; i++ {
		var err *Error
		if t, err = tb.descend(t, parts[i], ats[i]); err != nil {
			return err
		}
	}
	last, at := parts[len(parts)-1], ats[len(parts)-1]
	if t.get(last) != nil {
		return tb.fail(at, "key %q is defined twice", strings.Join(parts, "."))
	}
	// The value starts after the '=' that follows the key.
	lastKey := e.Key()
	var end int
	for lastKey.Next() {
		k := lastKey.Node()
		end = int(k.Raw.Offset + k.Raw.Length)
	}
	off := end
	for off < len(tb.data) && (tb.data[off] == ' ' || tb.data[off] == '\t') {
		off++
	}
	if off < len(tb.data) && tb.data[off] == '=' {
		off++
	}
	for off < len(tb.data) && (tb.data[off] == ' ' || tb.data[off] == '\t') {
		off++
	}
	v, err := tb.value(e.Value(), tb.pos(off))
	if err != nil {
		return err
	}
	v.key = at
	t.set(last, v)
	return nil
}

// value converts a value node; at is its position when the node carries
// none (arrays).
func (tb *treeBuilder) value(v *unstable.Node, at pos) (*node, *Error) {
	if v.Kind != unstable.Array {
		at = tb.rangePos(v.Raw)
	}
	n := &node{at: at, key: at}
	raw := string(v.Data)
	switch v.Kind {
	case unstable.String:
		n.kind, n.str = vString, raw
	case unstable.Bool:
		n.kind, n.b = vBool, raw == "true"
	case unstable.Integer:
		n.kind = vInt
		s := strings.ReplaceAll(raw, "_", "")
		base := 10
		if len(s) > 2 && s[0] == '0' {
			switch s[1] {
			case 'x':
				base = 16
			case 'o':
				base = 8
			case 'b':
				base = 2
			}
			if base != 10 {
				s = s[2:]
			}
		}
		i, perr := strconv.ParseInt(s, base, 64)
		if perr != nil {
			return nil, tb.fail(at, "invalid integer %q", raw)
		}
		n.i = i
	case unstable.Float:
		n.kind = vFloat
		f, perr := strconv.ParseFloat(strings.ReplaceAll(raw, "_", ""), 64)
		if perr != nil && !math.IsInf(f, 0) {
			return nil, tb.fail(at, "invalid number %q", raw)
		}
		n.f = f
	case unstable.LocalDate, unstable.LocalTime, unstable.LocalDateTime, unstable.DateTime:
		n.kind, n.str = vTime, raw
	case unstable.Array:
		n.kind = vArray
		it := v.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			item, err := tb.value(c, at)
			if err != nil {
				return nil, err
			}
			if c.Kind == unstable.Array && len(item.items) > 0 {
				item.at, item.key = item.items[0].at, item.items[0].at
			}
			n.items = append(n.items, item)
		}
	case unstable.InlineTable:
		n.kind, n.kv = vTable, map[string]*node{}
		it := v.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind != unstable.KeyValue {
				continue
			}
			if err := tb.keyValue(n, c); err != nil {
				return nil, err
			}
		}
	default:
		return nil, tb.fail(at, "unexpected %s value", v.Kind)
	}
	return n, nil
}
