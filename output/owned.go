package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Folders trustsim owns (docs/OUTPUTS.md, "Folders trustsim owns").
// trustsim writes into a directory only if it is new, empty, or marked as
// a trustsim output directory by MarkerName, which it writes before
// anything else. The marker lists every file trustsim published there;
// a file that trustsim would replace or remove (a name it publishes, or
// anything inside plots/) but that the marker does not list was not
// written by trustsim, and the batch is refused before any run starts.

// MarkerName is the file that marks a directory as trustsim's.
const MarkerName = ".trustsim-batch"

// markerHead is the first line of the marker.
const markerHead = "# trustsim output directory. trustsim writes here; it replaces or removes only the files listed below."

// ErrNotOwned is returned (wrapped) by CheckOwned, MarkOwned, ClaimDir,
// Create and Redraw for a directory that trustsim may not write into.
var ErrNotOwned = errors.New("not a trustsim output directory")

// publishedNames are the names trustsim publishes at the top of an output
// directory (Writer.Close, Redraw): in a marked directory, a file of one
// of these names that the marker does not list is the user's, and a
// batch that would replace it is refused. Add a name here when a new
// output file is published.
var publishedNames = []string{runsName, seriesName, aggregateName, runsParquetName, seriesParquetName, aggregateParquetName, manifestName, scenarioCopyName, reportName, plotsName, StoryName, NetworkName, sensitivityName, effectsName}

// Claim is an output directory that trustsim owns and whose lock this
// process holds (ClaimDir). Release it when done.
type Claim struct {
	dir  string
	lock *Lock
}

// Dir is the claimed directory.
func (c *Claim) Dir() string { return c.dir }

// Release gives the lock back; the directory stays marked.
func (c *Claim) Release() error {
	if c == nil || c.lock == nil {
		return nil
	}
	return c.lock.Release()
}

// ClaimDir makes dir an output directory of this process: it checks that
// trustsim may write into dir (CheckOwned), creates it and its marker if
// needed, and takes its lock (TakeLock) with holder as the description
// another process sees. Nothing but the directory, the marker and the
// lock file is written.
func ClaimDir(dir string, holder Holder) (*Claim, error) {
	if err := MarkOwned(dir); err != nil {
		return nil, err
	}
	l, err := TakeLock(dir, holder)
	if err != nil {
		return nil, err
	}
	// A process that claimed dir between the check and the lock could
	// only have been trustsim; check again now that no one else writes.
	if err := CheckOwned(dir); err != nil {
		l.Release()
		return nil, err
	}
	return &Claim{dir: dir, lock: l}, nil
}

// MarkOwned checks that trustsim may write into dir (CheckOwned) and
// creates dir and its marker if needed, without taking the lock: shards
// of one batch write their own subdirectories of one batch directory in
// parallel and each locks its own.
func MarkOwned(dir string) error {
	if err := CheckOwned(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, MarkerName)); err == nil {
		return nil
	}
	// Two processes may both find no marker: the first to create it
	// writes it (it lists nothing yet, so a half-written one reads the
	// same); files are listed only under the lock (recordPublished).
	// A batch written before directories were marked lists the files
	// of it that are there: they are trustsim's.
	var b strings.Builder
	b.WriteString(markerHead + "\n")
	if holdsBatch(dir) {
		for _, f := range legacyFiles(dir) {
			b.WriteString(f + "\n")
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, MarkerName), os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err == nil {
		_, err = f.WriteString(b.String())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("output: mark %s: %w", dir, err)
	}
	return nil
}

// CheckOwned reports whether trustsim may write into dir: a directory
// that does not exist, an empty one, or one marked as trustsim's (or,
// unmarked, one holding a trustsim batch: a manifest.json written by
// trustsim, a shard, checkpoints or shards) in which no file that
// trustsim would replace or remove is missing from the marker's list.
// Otherwise the error wraps ErrNotOwned and names the files in the way.
// It writes nothing.
func CheckOwned(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("output: %w", err)
	case !st.IsDir():
		return fmt.Errorf("%s is a file, %w: choose a new or empty directory for --out", dir, ErrNotOwned)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if !slices.ContainsFunc(entries, notBookkeeping) {
		// Empty, or being claimed by another trustsim process: the
		// marker's temporary file or the lock is all there is.
		return nil
	}
	listed, marked, err := readMarker(dir)
	if err != nil {
		return fmt.Errorf("output: %s: %w", filepath.Join(dir, MarkerName), err)
	}
	legacy := !marked && holdsBatch(dir)
	if !marked && !legacy {
		return fmt.Errorf("%s is not empty and %w (no %s in it; it holds %s): trustsim writes only into a new or empty directory "+
			"or one it wrote before, so that it never replaces a file it did not write; choose another --out directory",
			dir, ErrNotOwned, MarkerName, someNames(entries))
	}
	if legacy {
		// A batch written before directories were marked: its files
		// are trustsim's; the first batch written now marks it.
		return nil
	}
	var foreign []string
	for _, e := range entries {
		name := e.Name()
		if !slices.Contains(publishedNames, name) {
			continue // trustsim neither replaces nor removes it
		}
		if name == plotsName && e.IsDir() {
			sub, err := os.ReadDir(filepath.Join(dir, name))
			if err != nil {
				return fmt.Errorf("output: %w", err)
			}
			for _, s := range sub {
				if p := plotsName + "/" + s.Name(); !listed[p] {
					foreign = append(foreign, p)
				}
			}
			continue
		}
		if !listed[name] {
			foreign = append(foreign, name)
		}
	}
	if len(foreign) > 0 {
		return notOwned(fmt.Sprintf("%s holds %s, which trustsim did not write (%s does not list %s) and would replace when a batch finishes: "+
			"move %s out of %s, or choose another --out directory",
			dir, quoteList(foreign), MarkerName, pronoun(len(foreign), "it", "them"), pronoun(len(foreign), "it", "them"), dir))
	}
	return nil
}

// notBookkeeping reports whether e is anything but the marker (or its
// temporary file) or the lock.
func notBookkeeping(e os.DirEntry) bool {
	if n := e.Name(); n == MarkerName || n == LockName {
		return false
	}
	ok, _ := filepath.Match(MarkerName+".*.tmp", e.Name())
	return !ok
}

// notOwned is an error that wraps ErrNotOwned with its own words.
type notOwned string

func (e notOwned) Error() string        { return string(e) }
func (e notOwned) Is(target error) bool { return target == ErrNotOwned }

func pronoun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// quoteList names at most five of names, each quoted.
func quoteList(names []string) string {
	const most = 5
	var q []string
	for i, n := range names {
		if i == most {
			q = append(q, fmt.Sprintf("and %d more", len(names)-most))
			break
		}
		q = append(q, strconv.Quote(n))
	}
	return strings.Join(q, ", ")
}

// someNames names at most five entries of a directory, each quoted.
func someNames(entries []os.DirEntry) string {
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return quoteList(names)
}

// holdsBatch reports whether an unmarked dir holds what trustsim writes:
// a manifest.json whose program is trustsim, a shard's shard.json, a
// runner's checkpoints or a shards/ directory of a sharded batch.
func holdsBatch(dir string) bool {
	if b, err := os.ReadFile(filepath.Join(dir, manifestName)); err == nil {
		var m struct {
			Program string `json:"program"`
		}
		if json.Unmarshal(b, &m) == nil && m.Program == "trustsim" {
			return true
		}
	}
	for _, p := range []string{"shard.json", ".partial/fingerprint"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			return true
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "shards")); err == nil && st.IsDir() {
		return true
	}
	return false
}

// legacyFiles are the files of an unmarked batch directory that trustsim
// publishes: the published names present, and everything in plots/.
func legacyFiles(dir string) []string {
	var files []string
	for _, name := range publishedNames {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			files = append(files, name)
		}
	}
	if entries, err := os.ReadDir(filepath.Join(dir, plotsName)); err == nil {
		for _, e := range entries {
			files = append(files, plotsName+"/"+e.Name())
		}
	}
	slices.Sort(files)
	return files
}

// readMarker returns the files dir's marker lists, and whether there is
// a marker.
func readMarker(dir string) (listed map[string]bool, marked bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, MarkerName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	listed = map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		listed[line] = true
	}
	return listed, true, sc.Err()
}

// writeMarker replaces dir's marker by one listing files, sorted.
func writeMarker(dir string, files []string) error {
	files = slices.Clone(files)
	slices.Sort(files)
	files = slices.Compact(files)
	var b strings.Builder
	b.WriteString(markerHead + "\n")
	for _, f := range files {
		b.WriteString(f + "\n")
	}
	f, err := os.CreateTemp(dir, MarkerName+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.WriteString(b.String())
	if err == nil {
		err = f.Chmod(fileMode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, MarkerName))
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// recordPublished adds to dir's marker the top-level names published and
// the files now in dir/plots (the plots/ entries of an earlier batch,
// whose directory was replaced, are dropped).
func recordPublished(dir string, published []string) error {
	listed, marked, err := readMarker(dir)
	if err != nil {
		return err
	}
	if !marked && holdsBatch(dir) {
		listed = map[string]bool{}
		for _, f := range legacyFiles(dir) {
			listed[f] = true
		}
	}
	replotted := slices.Contains(published, plotsName)
	var files []string
	for f := range listed {
		if !replotted || !strings.HasPrefix(f, plotsName+"/") {
			files = append(files, f)
		}
	}
	files = append(files, published...)
	if replotted {
		entries, err := os.ReadDir(filepath.Join(dir, plotsName))
		if err != nil {
			return err
		}
		for _, e := range entries {
			files = append(files, plotsName+"/"+e.Name())
		}
	}
	return writeMarker(dir, files)
}

// Finished is what identifies the finished batch in a directory: its
// scenario's name and text (by SHA-256) and the command that ran it,
// whose flags after the scenario are those that change results.
type Finished struct {
	Scenario       string
	ScenarioSHA256 string
	Command        []string
}

// ReadFinished returns the finished batch in dir, and false when dir
// holds none (no manifest.json).
func ReadFinished(dir string) (Finished, bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return Finished{}, false, nil
	}
	if err != nil {
		return Finished{}, false, err
	}
	var m struct {
		Scenario       string `json:"scenario"`
		ScenarioSHA256 string `json:"scenario_sha256"`
		Invocation     struct {
			Command []string `json:"command"`
		} `json:"invocation"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return Finished{}, false, fmt.Errorf("%s: %w", filepath.Join(dir, manifestName), err)
	}
	return Finished{Scenario: m.Scenario, ScenarioSHA256: m.ScenarioSHA256, Command: m.Invocation.Command}, true, nil
}
