package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"io"
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
// description and its question.
type Info struct {
	Name, Description string
	// Question is the scenario's question key.
	Question string
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
			Question    string `toml:"question"`
		}
		_ = toml.Unmarshal(src, &head) // a test checks every bundled file parses
		summary, _, _ := strings.Cut(strings.TrimSpace(head.Description), "\n")
		out = append(out, Info{Name: name, Description: strings.TrimSpace(summary), Question: strings.Join(strings.Fields(head.Question), " ")})
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

// MaxFileSize is the largest scenario file Load reads, 4 MiB
// (docs/SCENARIOS.md): the bundled scenarios are a few kB, and a cap keeps
// a wrong file (a log, a device) from filling memory.
const MaxFileSize = 4 << 20

// Load reads the scenario arg names: a file path, or the name of a bundled
// scenario ("" is "default"). An existing file wins over a bundled
// scenario of the same name. Only a regular file of at most MaxFileSize
// bytes is read: a directory, a named pipe or a device is refused without
// being opened. Problems, a missing file included, come back as an
// ErrorList.
func Load(arg string) (*Scenario, error) {
	if arg == "" {
		arg = "default"
	}
	fi, err := os.Stat(arg)
	switch {
	case err == nil && fi.IsDir() && isBundled(arg):
		// A directory named like a bundled scenario (say, an output
		// directory) does not hide it.
	case err == nil:
		src, ferr := readScenarioFile(arg, fi)
		if ferr != nil {
			return nil, ErrorList{ferr}
		}
		return Parse(arg, src)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, ErrorList{{File: arg, Problem: "cannot read the file: " + unwrapPath(err), Allowed: "name a readable scenario file"}}
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

func isBundled(name string) bool {
	_, err := Source(name)
	return err == nil
}

// readScenarioFile reads the file name, which os.Stat described as fi, if
// it is a regular file of at most MaxFileSize bytes.
func readScenarioFile(name string, fi fs.FileInfo) ([]byte, *Error) {
	const allowed = "name a scenario file (TOML text)"
	tooLarge := func(size string) *Error {
		return &Error{File: name, Problem: "the file is " + size + ", larger than a scenario file may be",
			Allowed: fmt.Sprintf("at most %d bytes (4 MiB)", MaxFileSize)}
	}
	if p := notRegular(fi.Mode()); p != "" {
		return nil, &Error{File: name, Problem: p, Allowed: allowed}
	}
	if fi.Size() > MaxFileSize {
		return nil, tooLarge(fmt.Sprintf("%d bytes", fi.Size()))
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, &Error{File: name, Problem: "cannot read the file: " + unwrapPath(err), Allowed: "name a readable scenario file"}
	}
	defer f.Close()
	// The path may have been replaced since os.Stat: check what was opened.
	if fi, err := f.Stat(); err == nil {
		if p := notRegular(fi.Mode()); p != "" {
			return nil, &Error{File: name, Problem: p, Allowed: allowed}
		}
	}
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &Error{File: name, Problem: "cannot read the file: " + unwrapPath(err), Allowed: "name a readable scenario file"}
	}
	if len(src) > MaxFileSize {
		return nil, tooLarge(fmt.Sprintf("more than %d bytes", MaxFileSize))
	}
	return src, nil
}

// notRegular says what a file of mode m is when it is not a regular file,
// and "" when it is one.
func notRegular(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "is a directory, not a scenario file"
	case m&fs.ModeNamedPipe != 0:
		return "is a named pipe (FIFO), not a regular file"
	case m&fs.ModeSocket != 0:
		return "is a socket, not a regular file"
	case m&fs.ModeDevice != 0:
		return "is a device, not a regular file"
	}
	return "is not a regular file"
}

// unwrapPath drops the path an *fs.PathError repeats.
func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
