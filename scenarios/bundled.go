package scenarios

import (
	"embed"
	"errors"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

//go:embed bundled/*.toml
var bundled embed.FS

// Info names a bundled scenario and gives the first line of its
// description.
type Info struct {
	Name, Description string
}

// Bundled lists the bundled scenarios, sorted by name.
func Bundled() []Info {
	entries, _ := fs.ReadDir(bundled, "bundled")
	var out []Info
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".toml")
		if !ok {
			continue
		}
		src, _ := bundled.ReadFile("bundled/" + e.Name())
		var head struct {
			Description string `toml:"description"`
		}
		_ = toml.Unmarshal(src, &head) // a test checks every bundled file parses
		summary, _, _ := strings.Cut(strings.TrimSpace(head.Description), "\n")
		out = append(out, Info{Name: name, Description: strings.TrimSpace(summary)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func bundledNames() []string {
	var names []string
	for _, i := range Bundled() {
		names = append(names, i.Name)
	}
	return names
}

// Source returns the text of the bundled scenario called name.
func Source(name string) ([]byte, error) {
	src, err := bundled.ReadFile("bundled/" + name + ".toml")
	if err != nil || strings.ContainsAny(name, "/\\") {
		return nil, ErrorList{{File: name, Problem: "no bundled scenario of that name", Allowed: allowedList(name, bundledNames())}}
	}
	return src, nil
}

// Load reads the scenario arg names: a file path, or the name of a bundled
// scenario ("" is "default"). An existing file wins over a bundled
// scenario of the same name. Problems, a missing file included, come back
// as an ErrorList.
func Load(arg string) (*Scenario, error) {
	if arg == "" {
		arg = "default"
	}
	if fi, err := os.Stat(arg); err == nil && !fi.IsDir() {
		src, err := os.ReadFile(arg)
		if err != nil {
			return nil, ErrorList{{File: arg, Problem: "cannot read the file: " + unwrapPath(err), Allowed: "name a readable scenario file"}}
		}
		return Parse(arg, src)
	}
	if src, err := Source(arg); err == nil {
		return Parse(path.Join("bundled", arg+".toml"), src)
	}
	allowed := "name a scenario file or a bundled scenario: " + strings.Join(bundledNames(), ", ")
	if !strings.ContainsAny(arg, "/\\.") {
		allowed = allowedList(arg, bundledNames()) + "; or name a scenario file"
	}
	return nil, ErrorList{{File: arg, Problem: "no such file or bundled scenario", Allowed: allowed}}
}

// unwrapPath drops the path an *fs.PathError repeats.
func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
