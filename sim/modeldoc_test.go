package sim_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// simDecls are the declarations of package sim's non-test files, read
// with go/parser.
type simDecls struct {
	top     map[string]string          // top-level func, type, var and const names → their file
	members map[string]map[string]bool // type → its methods and fields
}

func parseSim(t *testing.T) simDecls {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	d := simDecls{top: map[string]string{}, members: map[string]map[string]bool{}}
	member := func(typ, name string) {
		if d.members[typ] == nil {
			d.members[typ] = map[string]bool{}
		}
		d.members[typ][name] = true
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		file := "sim/" + name
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Recv == nil {
					d.top[decl.Name.Name] = file
					continue
				}
				recv := decl.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				if id, ok := recv.(*ast.Ident); ok {
					member(id.Name, decl.Name.Name)
					d.top["("+id.Name+")."+decl.Name.Name] = file
				}
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						d.top[spec.Name.Name] = file
						if st, ok := spec.Type.(*ast.StructType); ok {
							for _, field := range st.Fields.List {
								for _, n := range field.Names {
									member(spec.Name.Name, n.Name)
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range spec.Names {
							d.top[n.Name] = file
						}
					}
				}
			}
		}
	}
	return d
}

// resolve returns the file that declares what a reference of
// docs/MODEL.md names, or "" when package sim declares no such thing. A
// reference is sim.(*Model).name or (*Model).name (a method of Model),
// sim.Name or Name (a top-level declaration, or a method of Model, which
// the document names bare after the first), or Type.member (a method or
// field of a type), with an optional trailing "()".
func (d simDecls) resolve(ref string) string {
	ref = strings.TrimSuffix(strings.TrimPrefix(ref, "sim."), "()")
	if rest, ok := strings.CutPrefix(ref, "(*Model)."); ok {
		return d.top["(Model)."+rest]
	}
	if typ, name, ok := strings.Cut(ref, "."); ok {
		if d.members[typ][name] {
			if f := d.top["("+typ+")."+name]; f != "" {
				return f
			}
			return d.top[typ]
		}
		return ""
	}
	if f := d.top[ref]; f != "" {
		return f
	}
	return d.top["(Model)."+ref]
}

var (
	// backticked is a `code span` of Markdown.
	backticked = regexp.MustCompile("`([^`]*)`")
	// goRef is a code span that can name Go: sim.X, (*Model).x, Type.member
	// or a bare identifier, with an optional "()".
	goRef = regexp.MustCompile(`^(sim\.)?(\(\*Model\)\.)?[A-Za-z_]\w*(\.[A-Za-z_]\w*)?(\(\))?$`)
	// simFile is a code span naming a source file of package sim.
	simFile = regexp.MustCompile(`^sim/\w+\.go$`)
)

// TestModelDocNamesExist checks docs/MODEL.md against the code, so that
// the document cannot drift from it: every "**Function:**" or
// "**Functions:**" paragraph names Go functions, methods, types or
// variables that package sim declares, each in the file the paragraph
// names after it (names are grouped up to the next `sim/….go`; a ";" or
// the end of a sentence starts a new group, whose names need only
// exist), and every file it names exists. Anywhere in the document, a
// reference that starts with "sim." or "(*Model).", or that names a type
// of package sim and one of its members (`Params.Validate`,
// `orgState.in`), must resolve too.
func TestModelDocNamesExist(t *testing.T) {
	d := parseSim(t)
	path := filepath.Join("..", "docs", "MODEL.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(doc), "\n")
	checked := 0
	for k := 0; k < len(lines); k++ {
		// Any line: sim.… and (*Model).… references, and Type.member.
		for _, m := range backticked.FindAllStringSubmatch(lines[k], -1) {
			ref := m[1]
			if !goRef.MatchString(ref) {
				continue
			}
			typ, _, dotted := strings.Cut(strings.TrimPrefix(ref, "sim."), ".")
			if strings.HasPrefix(ref, "sim.") || strings.HasPrefix(ref, "(*Model).") || dotted && d.members[typ] != nil {
				checked++
				if d.resolve(ref) == "" {
					t.Errorf("%s:%d: `%s`: package sim declares no such thing", path, k+1, ref)
				}
			}
		}
		if !strings.HasPrefix(lines[k], "**Function:**") && !strings.HasPrefix(lines[k], "**Functions:**") {
			continue
		}
		// The paragraph, up to a blank line.
		first := k
		para := lines[k]
		for k+1 < len(lines) && strings.TrimSpace(lines[k+1]) != "" {
			k++
			para += " " + lines[k]
		}
		var group []string // names since the last file or break
		pos := 0
		for _, m := range backticked.FindAllStringSubmatchIndex(para, -1) {
			between := para[pos:m[0]]
			pos = m[1]
			if strings.Contains(between, ";") || strings.Contains(between, ". ") {
				group = nil
			}
			span := para[m[2]:m[3]]
			switch {
			case simFile.MatchString(span):
				checked++
				if _, err := os.Stat(filepath.Join("..", span)); err != nil {
					t.Errorf("%s:%d: %s does not exist", path, first+1, span)
				}
				for _, name := range group {
					if f := d.resolve(name); f != "" && f != span {
						t.Errorf("%s:%d: `%s` is declared in %s, not in %s", path, first+1, name, f, span)
					}
				}
				group = nil
			case goRef.MatchString(span):
				checked++
				if d.resolve(span) == "" {
					t.Errorf("%s:%d: `%s`: package sim declares no such function", path, first+1, span)
				}
				group = append(group, span)
			default:
				t.Errorf("%s:%d: `%s` on a Functions line is neither a Go name nor a file of sim/", path, first+1, span)
			}
		}
	}
	if checked < 50 {
		t.Errorf("%s: only %d references to the code found; has the document's form changed?", path, checked)
	}
	t.Logf("%d references to package sim checked", checked)
}
