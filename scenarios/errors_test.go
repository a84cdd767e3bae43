package scenarios

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestErrorsGolden parses each testdata/errors/*.toml, one file per class
// of validation error, and compares the reported errors with the golden
// .err file beside it (go test -run Golden -update rewrites them).
func TestErrorsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".toml"), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Parse(f, src)
			if err == nil {
				t.Fatalf("Parse accepted %s: %+v", f, s)
			}
			var el ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("error is %T, want a non-empty ErrorList", err)
			}
			for _, e := range el {
				if e.Line < 1 || e.Col < 1 || e.File != f || e.Problem == "" {
					t.Errorf("error without a position or problem: %#v", e)
				}
				if e.Line > strings.Count(string(src), "\n")+1 {
					t.Errorf("line %d past the end of the file: %v", e.Line, e)
				}
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".toml") + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("errors differ from %s:\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}
