package batch

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/trustsim/trustsim/sim"
)

// PartialDir is the name of the directory, inside a batch's output
// directory, that holds the checkpoints of an unfinished batch.
const PartialDir = ".partial"

// fingerprintFile is the file in PartialDir that says which batch the
// checkpoints belong to.
const fingerprintFile = "fingerprint"

// checkpointVersion changes whenever the checkpoint layout changes, so an
// old checkpoint is re-run rather than misread.
const checkpointVersion = 1

// ErrUnfinished is returned (wrapped) by Execute and CheckPartial when the
// output directory holds an unfinished batch and Options.Resume is false.
var ErrUnfinished = errors.New("holds an unfinished batch")

// ErrOtherBatch is returned (wrapped) by Execute and CheckPartial when
// resuming in a directory whose checkpoints belong to a different batch.
var ErrOtherBatch = errors.New("holds checkpoints of a different batch")

// Fingerprint returns a hex SHA-256 digest of parts that identifies a
// batch: callers pass everything that determines its output (scenario
// text, overrides, seed, program version). Each part is length-prefixed,
// so ("ab", "c") and ("a", "bc") differ.
func Fingerprint(parts ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.LittleEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// RemovePartial deletes dir's checkpoints. Call it once the output of a
// fully successful batch is published.
func RemovePartial(dir string) error {
	if err := os.RemoveAll(filepath.Join(dir, PartialDir)); err != nil {
		return fmt.Errorf("remove checkpoints: %w", err)
	}
	return nil
}

// HasPartial reports whether dir holds checkpoints of an unfinished batch.
func HasPartial(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, PartialDir, fingerprintFile))
	return err == nil
}

// CountCheckpoints returns the number of finished runs checkpointed in
// dir (0 if there are none or they cannot be read).
func CountCheckpoints(dir string) int {
	m, _ := filepath.Glob(filepath.Join(dir, PartialDir, "run-*.bin"))
	return len(m)
}

// partialInfo is what the fingerprint file records.
type partialInfo struct {
	fingerprint string
	scenario    string
	runs        int
}

func (p partialInfo) String() string {
	return fmt.Sprintf("%s\nscenario %s\nruns %d\n", p.fingerprint, strconv.Quote(p.scenario), p.runs)
}

func readPartialInfo(path string) (partialInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return partialInfo{}, err
	}
	var info partialInfo
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 0; sc.Scan(); line++ {
		text := sc.Text()
		if line == 0 {
			info.fingerprint = strings.TrimSpace(text)
			continue
		}
		key, val, _ := strings.Cut(text, " ")
		switch key {
		case "scenario":
			if s, err := strconv.Unquote(val); err == nil {
				info.scenario = s
			}
		case "runs":
			info.runs, _ = strconv.Atoi(val)
		}
	}
	if info.fingerprint == "" {
		return info, fmt.Errorf("%s: no fingerprint", path)
	}
	return info, nil
}

// CheckPartial reports, before anything is written, whether a batch with
// this fingerprint may run in dir: it returns an error wrapping
// ErrUnfinished if dir holds checkpoints of finished runs and resume is
// false, and one wrapping ErrOtherBatch if resume is true but they belong
// to another batch. A directory without checkpoints is fine either way:
// there is nothing to lose or to resume.
func CheckPartial(dir, fingerprint string, resume bool) error {
	kept := CountCheckpoints(dir)
	if kept == 0 {
		return nil
	}
	info, err := readPartialInfo(filepath.Join(dir, PartialDir, fingerprintFile))
	if err != nil {
		return fmt.Errorf("read checkpoints in %s: %w", dir, err)
	}
	if !resume {
		return fmt.Errorf("%s %w (scenario %q, %d of %d runs finished): resume it with --resume, or choose another --out directory",
			dir, ErrUnfinished, info.scenario, kept, info.runs)
	}
	if info.fingerprint != fingerprint {
		return fmt.Errorf("%s %w: scenario %q, %d of %d runs finished, fingerprint %.12s (this batch: %.12s); "+
			"resume with the same scenario, flags and trustsim version, or choose another --out directory",
			dir, ErrOtherBatch, info.scenario, kept, info.runs, info.fingerprint, fingerprint)
	}
	return nil
}

// checkpoint is the on-disk form of a finished run (encoding/gob).
type checkpoint struct {
	Version     int
	Fingerprint string
	Run         Run
	Steps       []sim.Metrics
}

func checkpointName(index int) string { return fmt.Sprintf("run-%d.bin", index) }

// writeCheckpoint stores r atomically in pdir: a temporary file is written
// and renamed, so a crash of the process never leaves a half-written
// checkpoint under the final name. The file is not synced (that cost a
// quarter of the throughput of short runs): after a power loss a torn
// checkpoint fails to decode when the batch is resumed and its run is
// simply executed again.
func writeCheckpoint(pdir, fingerprint string, r *Result) error {
	name := checkpointName(r.Run.Index)
	f, err := os.CreateTemp(pdir, name+".tmp*")
	if err != nil {
		return fmt.Errorf("checkpoint run %d: %w", r.Run.Index, err)
	}
	tmp := f.Name()
	bw := bufio.NewWriter(f)
	err = gob.NewEncoder(bw).Encode(checkpoint{checkpointVersion, fingerprint, r.Run, r.Steps})
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(pdir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("checkpoint run %d: %w", r.Run.Index, err)
	}
	return nil
}

// readCheckpoint loads the checkpoint of run want from pdir. It returns an
// error if the file is missing, unreadable, or does not hold exactly that
// run of this batch.
func readCheckpoint(pdir, fingerprint string, want Run) (Result, error) {
	f, err := os.Open(filepath.Join(pdir, checkpointName(want.Index)))
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	var c checkpoint
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&c); err != nil {
		return Result{}, fmt.Errorf("checkpoint of run %d: %w", want.Index, err)
	}
	switch {
	case c.Version != checkpointVersion:
		return Result{}, fmt.Errorf("checkpoint of run %d: layout version %d, want %d", want.Index, c.Version, checkpointVersion)
	case c.Fingerprint != fingerprint:
		return Result{}, fmt.Errorf("checkpoint of run %d: belongs to another batch", want.Index)
	case c.Run != want:
		return Result{}, fmt.Errorf("checkpoint of run %d: holds run %+v, want %+v", want.Index, c.Run, want)
	}
	return Result{Run: c.Run, Steps: c.Steps}, nil
}

// scanCheckpoints prepares pdir for a batch: it removes temporary files
// left by a crash and returns, for each run of the plan, whether a
// readable checkpoint of it exists. An unreadable checkpoint counts as
// missing, so that run is simply executed again.
func scanCheckpoints(pdir, fingerprint string, plan *Plan) ([]bool, error) {
	entries, err := os.ReadDir(pdir)
	if err != nil {
		return nil, fmt.Errorf("read checkpoints: %w", err)
	}
	done := make([]bool, plan.NumRuns())
	for _, e := range entries {
		name := e.Name()
		if strings.Contains(name, ".tmp") {
			if err := os.Remove(filepath.Join(pdir, name)); err != nil {
				return nil, fmt.Errorf("remove stale checkpoint: %w", err)
			}
			continue
		}
		s, ok := strings.CutPrefix(name, "run-")
		if !ok {
			continue
		}
		s, ok = strings.CutSuffix(s, ".bin")
		i, err := strconv.Atoi(s)
		if !ok || err != nil || i < 0 || i >= len(done) || checkpointName(i) != name {
			continue
		}
		// Decoding every checkpoint up front costs one extra read per
		// finished run; it is what lets a corrupt file be re-run instead
		// of failing the batch half-way through the replay.
		if _, err := readCheckpoint(pdir, fingerprint, plan.Run(i)); err == nil {
			done[i] = true
		}
	}
	return done, nil
}
