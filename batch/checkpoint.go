package batch

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
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
const checkpointVersion = 3

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

// Checkpoint logs. Each worker of an execution appends the runs it
// finishes to a log of its own, logName(attempt, worker) in PartialDir,
// one record per run, each written with a single write. A log per worker
// rather than a file per run: creating and renaming a file per run in one
// directory made 16 workers queue on the directory's lock (about 1.9 ms
// per run blocked in openat, fstatat and renameat on a 16-core machine,
// a tenth of a run) and would put one metadata operation per run on a
// cluster's shared file system. Records are not synced: after a crash
// or power loss a torn or damaged record fails its checksum and its run
// is executed again.
//
// A record is a header, the payload's length (uint32), its CRC-32C
// (uint32) and the run's index (uint64), all little-endian, followed by
// the payload (appendCheckpoint): the layout version, the batch's
// fingerprint, the run and its metrics step by step, the step number as
// a varint and each metric as the bits of a float64 (sim.Metrics.Values),
// exact and written without allocating.
const (
	logPrefix    = "runs-"
	logSuffix    = ".log"
	recordHeader = 16
)

// numMetrics is the number of metrics of a step, len(sim.MetricNames()).
var numMetrics = len(sim.MetricNames())

// crcTable is the CRC-32C (Castagnoli) table of the records' checksums.
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// logName is the name of the log of worker w in the execution attempt
// (attempts count executions in the same directory: a resumed batch
// appends to new logs, never to old ones).
func logName(attempt, w int) string {
	return fmt.Sprintf("%s%d-%d%s", logPrefix, attempt, w, logSuffix)
}

// parseLogName returns the attempt of a log's name, and false for a name
// that is not a log's.
func parseLogName(name string) (attempt int, ok bool) {
	s, ok := strings.CutPrefix(name, logPrefix)
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, logSuffix)
	a, w, ok2 := strings.Cut(s, "-")
	if !ok || !ok2 {
		return 0, false
	}
	attempt, err1 := strconv.Atoi(a)
	worker, err2 := strconv.Atoi(w)
	if err1 != nil || err2 != nil || attempt < 0 || worker < 0 || logName(attempt, worker) != name {
		return 0, false
	}
	return attempt, true
}

// logWriter appends one worker's finished runs to its log. It creates the
// file with the first run, so a worker that finishes none leaves none.
// It is not safe for concurrent use: each worker has its own.
type logWriter struct {
	path        string
	fingerprint string
	f           *os.File
	buf         []byte
}

func newLogWriter(pdir string, attempt, worker int, fingerprint string) *logWriter {
	return &logWriter{path: filepath.Join(pdir, logName(attempt, worker)), fingerprint: fingerprint}
}

// add appends r to the log as one record.
func (l *logWriter) add(r *Result) error {
	if l.f == nil {
		f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("checkpoint run %d: %w", r.Run.Index, err)
		}
		l.f = f
	}
	rec := appendCheckpoint(append(l.buf[:0], make([]byte, recordHeader)...), l.fingerprint, r)
	l.buf = rec
	payload := rec[recordHeader:]
	binary.LittleEndian.PutUint32(rec[0:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(rec[4:], crc32.Checksum(payload, crcTable))
	binary.LittleEndian.PutUint64(rec[8:], uint64(r.Run.Index))
	if _, err := l.f.Write(rec); err != nil {
		return fmt.Errorf("checkpoint run %d: %w", r.Run.Index, err)
	}
	return nil
}

// close closes the log, if it was created.
func (l *logWriter) close() error {
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// record locates one run's record: the log and the payload's offset and
// length in it.
type record struct {
	path   string
	offset int64
	length int
}

// readLog calls visit for every record of the log at path whose checksum
// is right, in order, with its run index and location; the payload is
// not decoded. A record whose checksum is wrong is skipped; a header that
// runs past the end of the file (a torn last write) ends the log.
func readLog(path string, visit func(index int, rec record) error) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return scanRecords(data, path, visit)
}

// scanRecords is readLog for the log's contents, data, read from path.
func scanRecords(data []byte, path string, visit func(index int, rec record) error) error {
	for off := 0; off+recordHeader <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[off:]))
		sum := binary.LittleEndian.Uint32(data[off+4:])
		index := binary.LittleEndian.Uint64(data[off+8:])
		start := off + recordHeader
		if n > len(data)-start {
			break
		}
		if crc32.Checksum(data[start:start+n], crcTable) == sum && index <= math.MaxInt32 {
			if err := visit(int(index), record{path, int64(start), n}); err != nil {
				return err
			}
		}
		off = start + n
	}
	return nil
}

// logs returns the paths of the checkpoint logs in pdir, in name order,
// and the attempt number an execution starting now should use: one more
// than any log's.
func logs(pdir string) (paths []string, next int, err error) {
	entries, err := os.ReadDir(pdir)
	if err != nil {
		return nil, 0, err
	}
	for _, e := range entries {
		if a, ok := parseLogName(e.Name()); ok && e.Type().IsRegular() {
			paths = append(paths, filepath.Join(pdir, e.Name()))
			next = max(next, a+1)
		}
	}
	return paths, next, nil
}

// CountCheckpoints returns the number of finished runs checkpointed in
// dir (0 if there are none or they cannot be read): the runs with at
// least one record whose checksum is right.
func CountCheckpoints(dir string) int {
	paths, _, err := logs(filepath.Join(dir, PartialDir))
	if err != nil {
		return 0
	}
	runs := map[int]bool{}
	for _, p := range paths {
		_ = readLog(p, func(index int, _ record) error { runs[index] = true; return nil })
	}
	return len(runs)
}

// appendCheckpoint appends to b the payload of the record of run r of the
// batch with this fingerprint.
func appendCheckpoint(b []byte, fingerprint string, r *Result) []byte {
	b = binary.AppendUvarint(b, checkpointVersion)
	b = binary.AppendUvarint(b, uint64(len(fingerprint)))
	b = append(b, fingerprint...)
	b = binary.AppendVarint(b, int64(r.Run.Index))
	b = binary.AppendVarint(b, int64(r.Run.Point))
	b = binary.AppendVarint(b, int64(r.Run.Replicate))
	b = binary.LittleEndian.AppendUint64(b, r.Run.Seed)
	b = binary.AppendUvarint(b, uint64(len(r.Steps)))
	b = binary.AppendUvarint(b, uint64(numMetrics))
	var vals [32]float64
	for i := range r.Steps {
		b = binary.AppendVarint(b, int64(r.Steps[i].Step))
		for _, v := range r.Steps[i].Values(vals[:0]) {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
	}
	return b
}

// payloadReader reads the fields of a record's payload; the first
// field that does not fit sets err, and every later read returns zero.
type payloadReader struct {
	b   []byte
	err error
}

func (p *payloadReader) fail() {
	if p.err == nil {
		p.err = errors.New("truncated or malformed")
	}
	p.b = nil
}

// uvarint reads an unsigned varint in its shortest form.
func (p *payloadReader) uvarint() uint64 {
	v, n := binary.Uvarint(p.b)
	if !p.skipVarint(n) {
		return 0
	}
	return v
}

// varint reads a signed varint in its shortest form.
func (p *payloadReader) varint() int64 {
	v, n := binary.Varint(p.b)
	if !p.skipVarint(n) {
		return 0
	}
	return v
}

// skipVarint moves past a varint of n bytes (n as binary.Uvarint and
// binary.Varint return it) and reports whether it was well formed and in
// its shortest form: a longer one, which binary.AppendUvarint never
// writes, ends in a zero byte.
func (p *payloadReader) skipVarint(n int) bool {
	if n <= 0 || n > 1 && p.b[n-1] == 0 {
		p.fail()
		return false
	}
	p.b = p.b[n:]
	return true
}

func (p *payloadReader) uint64() uint64 {
	if len(p.b) < 8 {
		p.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(p.b)
	p.b = p.b[8:]
	return v
}

func (p *payloadReader) bytes(n uint64) []byte {
	if n > uint64(len(p.b)) {
		p.fail()
		return nil
	}
	v := p.b[:n]
	p.b = p.b[n:]
	return v
}

// decodeCheckpoint decodes a record's payload and checks that it holds
// exactly run want of the batch with this fingerprint.
func decodeCheckpoint(payload []byte, fingerprint string, want Run) (Result, error) {
	p := payloadReader{b: payload}
	version := p.uvarint()
	fp := p.bytes(p.uvarint())
	run := Run{Index: int(p.varint()), Point: int(p.varint()), Replicate: int(p.varint()), Seed: p.uint64()}
	steps, metrics := p.uvarint(), p.uvarint()
	switch {
	case p.err != nil:
		return Result{}, fmt.Errorf("record of run %d: %w", want.Index, p.err)
	case version != checkpointVersion:
		return Result{}, fmt.Errorf("record of run %d: layout version %d, want %d", want.Index, version, checkpointVersion)
	case string(fp) != fingerprint:
		return Result{}, fmt.Errorf("record of run %d: belongs to another batch", want.Index)
	case run != want:
		return Result{}, fmt.Errorf("record of run %d: holds run %+v, want %+v", want.Index, run, want)
	case metrics != uint64(numMetrics):
		return Result{}, fmt.Errorf("record of run %d: %d metrics per step, want %d", want.Index, metrics, numMetrics)
	case steps > uint64(len(p.b))/(1+8*metrics):
		return Result{}, fmt.Errorf("record of run %d: %d steps do not fit in its %d bytes", want.Index, steps, len(payload))
	}
	r := Result{Run: run, Steps: make([]sim.Metrics, steps)}
	vals := make([]float64, metrics)
	for i := range r.Steps {
		r.Steps[i].Step = int(p.varint())
		for k := range vals {
			vals[k] = math.Float64frombits(p.uint64())
		}
		if err := r.Steps[i].SetValues(vals); err != nil && p.err == nil {
			p.err = err
		}
	}
	if p.err != nil || len(p.b) != 0 {
		return Result{}, fmt.Errorf("record of run %d: steps truncated or malformed", want.Index)
	}
	return r, nil
}

// readCheckpoint loads the record rec of run want.
func readCheckpoint(rec record, fingerprint string, want Run) (Result, error) {
	f, err := os.Open(rec.path)
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	payload := make([]byte, rec.length)
	if _, err := f.ReadAt(payload, rec.offset); err != nil {
		return Result{}, fmt.Errorf("record of run %d: %w", want.Index, err)
	}
	return decodeCheckpoint(payload, fingerprint, want)
}

// scanCheckpoints reads the checkpoint logs in pdir and returns, for each
// run of the plan with a record that decodes to that run of this batch,
// where the record is (a later one replaces an earlier one, which does
// not happen unless logs were copied together), and the attempt number
// for the execution starting now. A run without a good record is simply
// executed again.
func scanCheckpoints(pdir, fingerprint string, plan *Plan) (map[int]record, int, error) {
	paths, next, err := logs(pdir)
	if err != nil {
		return nil, 0, fmt.Errorf("read checkpoints: %w", err)
	}
	done := map[int]record{}
	for _, p := range paths {
		// Decoding every checkpoint up front costs a second decoding per
		// replayed run; it is what lets a damaged record be run again
		// instead of failing the batch half-way through the replay.
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, 0, fmt.Errorf("read checkpoints: %w", err)
		}
		_ = scanRecords(data, p, func(index int, rec record) error {
			if index >= plan.NumRuns() {
				return nil
			}
			payload := data[rec.offset : rec.offset+int64(rec.length)]
			if _, err := decodeCheckpoint(payload, fingerprint, plan.Run(index)); err == nil {
				done[index] = rec
			}
			return nil
		})
	}
	return done, next, nil
}
