package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, that every rejection is an
// ErrorList whose entries all have a position and messages safe for a
// terminal (no control characters), and that a scenario Parse
// accepts also plans.
func FuzzParse(f *testing.F) {
	for _, info := range Bundled() {
		src, err := Source(info.Name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	files, _ := filepath.Glob("testdata/errors/*.toml")
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("[[org]]\nname = \"a\"\nkind = \"nonprofit\"\ncount = 3\n[sweep]\nhorizon = {from = 5, to = 9, step = 2}\n"))
	f.Add([]byte("a = [[1], [], [[2]]]\nb = {c = {d = [1, 2]}}\n\"x.y\" = 1979-05-27T07:32:00Z\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz.toml", src)
		if err != nil {
			var el ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("error %T %v is not a non-empty ErrorList", err, err)
			}
			for _, e := range el {
				if e.Line < 1 || e.Col < 1 {
					t.Fatalf("error without a position: %#v", e)
				}
				if msg := e.Error(); strings.ContainsFunc(msg, unicode.IsControl) || !utf8.ValidString(msg) {
					t.Fatalf("message %q holds a control character or invalid UTF-8", msg)
				}
			}
			return
		}
		if _, err := s.Plan(); err != nil {
			t.Fatalf("Parse accepted what Plan rejects: %v", err)
		}
	})
}
