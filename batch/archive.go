package batch

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The files of a finished shard's directory.
const (
	// ShardManifestName is the shard's manifest (JSON, a ShardManifest).
	// It is written last: a directory with one holds a finished shard.
	ShardManifestName = "shard.json"
	// ShardArchiveName is the results archive: the full per-step metrics
	// of every run of the shard, in run-index order (ShardWriter).
	ShardArchiveName = "results.bin.gz"
)

// shardFormat changes whenever the shard manifest or archive layout
// changes, so that shards of an incompatible trustsim are refused.
// Format 1 was a single encoding/gob stream in one gzip member.
const shardFormat = 2

// maxArchiveRecord bounds the length of one record of an archive that
// ReplayShard accepts (a run of 10,000 weeks takes about 2.2 MB).
const maxArchiveRecord = 1 << 30

// ErrNotShard is returned (wrapped) by ReadShardManifest for a directory
// that holds neither a finished nor an unfinished shard.
var ErrNotShard = errors.New("is not a shard directory")

// ErrUnfinishedShard is returned (wrapped) by ReadShardManifest for a
// shard directory whose shard has not finished: it holds checkpoints but
// no manifest.
var ErrUnfinishedShard = errors.New("holds an unfinished shard")

// ErrBadArchive is returned (wrapped) by ReplayShard when a shard's
// archive is damaged or does not match its manifest.
var ErrBadArchive = errors.New("damaged shard archive")

// ShardManifest describes a finished shard: which batch it belongs to
// (everything merge checks, and what it needs to rebuild the plan and
// the batch's manifest), which runs it holds and the archive that holds
// them.
type ShardManifest struct {
	// Format is the layout version of manifest and archive.
	Format int `json:"format"`
	// Program and Version name the program that ran the shard; shards of
	// one batch must come from the same version.
	Program string `json:"program"`
	Version string `json:"version"`
	// Fingerprint identifies the whole batch (see Fingerprint): equal
	// fingerprints mean equal scenario text, overrides, seed and version.
	Fingerprint string `json:"fingerprint"`
	// Scenario is the scenario's name, ScenarioFile the file (or bundled
	// name) it was read from, ScenarioText its text and ScenarioSHA256
	// the hex SHA-256 digest of that text.
	Scenario       string `json:"scenario"`
	ScenarioFile   string `json:"scenario_file"`
	ScenarioSHA256 string `json:"scenario_sha256"`
	ScenarioText   string `json:"scenario_text"`
	// Overrides are the scenario overrides (name=value) in the order
	// they were applied.
	Overrides []string `json:"overrides"`
	// Command is the command line that runs the whole batch on one
	// machine; the merged manifest records it.
	Command []string `json:"command"`
	// Tables is the format of the batch's tables ("csv", "parquet" or
	// "both"; empty means "csv"), for the merge to write.
	Tables string `json:"tables,omitempty"`
	// BaseSeed, Points, Replicates and Runs describe the whole batch.
	BaseSeed   uint64 `json:"base_seed"`
	Points     int    `json:"points"`
	Replicates int    `json:"replicates"`
	Runs       int    `json:"runs"`
	// ShardIndex and ShardCount are the shard (see Shard).
	ShardIndex int `json:"shard_index"`
	ShardCount int `json:"shard_count"`
	// FirstRun and EndRun delimit the shard's runs: FirstRun up to
	// EndRun-1.
	FirstRun int `json:"first_run"`
	EndRun   int `json:"end_run"`
	// Archive is the archive's file name in the shard directory,
	// ArchiveBytes its size and ArchiveSHA256 its hex SHA-256 digest.
	Archive       string `json:"archive"`
	ArchiveBytes  int64  `json:"archive_bytes"`
	ArchiveSHA256 string `json:"archive_sha256"`
	// Workers is the number of concurrent runs of the shard.
	Workers int `json:"workers"`
	// Host is the machine that ran the shard, for the record.
	Host string `json:"host"`
	// Start and End are when the shard started and finished (RFC 3339,
	// UTC).
	Start string `json:"start"`
	End   string `json:"end"`
}

// Shard returns the shard m describes.
func (m *ShardManifest) Shard() Shard { return Shard{Index: m.ShardIndex, Count: m.ShardCount} }

// archiveHeader opens an archive, so that an archive is never read as
// another batch's or another shard's.
type archiveHeader struct {
	Format      int
	Fingerprint string
	Shard       Shard
	FirstRun    int
	EndRun      int
}

// appendHeader appends the payload of h's record to b.
func appendHeader(b []byte, h archiveHeader) []byte {
	b = binary.AppendUvarint(b, uint64(h.Format))
	b = binary.AppendUvarint(b, uint64(len(h.Fingerprint)))
	b = append(b, h.Fingerprint...)
	for _, v := range []int{h.Shard.Index, h.Shard.Count, h.FirstRun, h.EndRun} {
		b = binary.AppendVarint(b, int64(v))
	}
	return b
}

// decodeHeader decodes the payload of a header record.
func decodeHeader(payload []byte) (archiveHeader, error) {
	p := payloadReader{b: payload}
	h := archiveHeader{Format: int(p.uvarint())}
	h.Fingerprint = string(p.bytes(p.uvarint()))
	h.Shard = Shard{Index: int(p.varint()), Count: int(p.varint())}
	h.FirstRun, h.EndRun = int(p.varint()), int(p.varint())
	if p.err != nil || len(p.b) != 0 {
		return archiveHeader{}, errors.New("truncated or malformed")
	}
	return h, nil
}

// ShardWriter writes the results of one shard into its directory: the
// archive is streamed to a temporary file as results arrive, and Close
// publishes it with the manifest. Nothing under the final names changes
// before Close.
//
// The archive is a sequence of gzip members, which gzip readers read as
// one stream (RFC 1952, 2.2): the first holds a header naming the batch
// and the shard, each of the others one run. Decompressed, each is a
// record: its length as a uvarint, then its payload; a run's payload is
// laid out as a checkpoint's (appendCheckpoint: the batch's fingerprint,
// the run, and every step's metrics as exact float64 bits). Because each
// run is a member of its own, Prepare can encode and compress runs on
// many goroutines at once, leaving AddPrepared, which sees the runs in
// order, only the writing.
type ShardWriter struct {
	dir  string
	man  ShardManifest
	f    *os.File
	buf  *bufio.Writer
	sum  hash.Hash
	size *countingWriter
	next int
	done bool

	// compressors recycles gzip writers (*gzip.Writer), payloads the
	// buffers runs are encoded into and members those they are
	// compressed into (*[]byte), between the goroutines that call
	// Prepare and AddPrepared.
	compressors sync.Pool
	payloads    sync.Pool
	members     sync.Pool
}

// ShardRun is one run of a shard encoded and compressed for its archive
// by ShardWriter.Prepare, for ShardWriter.AddPrepared.
type ShardRun struct {
	// Index is the run's index in the batch.
	Index int
	// member is the run's gzip member, which AddPrepared recycles.
	member *[]byte
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// CreateShard starts the results of shard m.Shard() of plan in dir,
// creating dir if needed, and removes the temporary archive and manifest
// files a process killed while writing the shard left there (one shard
// directory is written by one process at a time). It fills in the manifest's format, batch size
// and run range from plan; the caller fills in the rest (program,
// fingerprint, scenario, overrides, command, workers, start).
func CreateShard(dir string, plan *Plan, m ShardManifest) (*ShardWriter, error) {
	s := m.Shard()
	if err := s.Check(); err != nil {
		return nil, err
	}
	m.Format = shardFormat
	m.BaseSeed = plan.BaseSeed
	m.Points = len(plan.Points)
	m.Replicates = plan.Replicates
	m.Runs = plan.NumRuns()
	m.FirstRun, m.EndRun = s.Block(m.Runs)
	m.Archive = ShardArchiveName
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create shard directory %s: %w", dir, err)
	}
	if err := removeStaleTemporaries(dir); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "."+ShardArchiveName+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create shard archive in %s: %w", dir, err)
	}
	w := &ShardWriter{dir: dir, man: m, f: f, sum: sha256.New(), next: m.FirstRun}
	w.size = &countingWriter{w: io.MultiWriter(f, w.sum)}
	w.buf = bufio.NewWriterSize(w.size, 1<<16)
	header, err := w.member(appendHeader(nil, archiveHeader{shardFormat, m.Fingerprint, s, m.FirstRun, m.EndRun}))
	if err == nil {
		_, err = w.buf.Write(*header)
	}
	if err != nil {
		w.Abort()
		return nil, fmt.Errorf("write shard archive: %w", err)
	}
	return w, nil
}

// member returns the gzip member that holds the record of payload. It is
// safe for concurrent use.
func (w *ShardWriter) member(payload []byte) (*[]byte, error) {
	bp, _ := w.members.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	out := bytes.NewBuffer((*bp)[:0])
	zw, _ := w.compressors.Get().(*gzip.Writer)
	if zw == nil {
		// BestSpeed: the archive is a few times smaller than the raw
		// metrics at a cost of well under a millisecond per run, far
		// below what a run takes; better levels buy little on
		// floating-point data.
		zw, _ = gzip.NewWriterLevel(out, gzip.BestSpeed)
	} else {
		zw.Reset(out)
	}
	var n [binary.MaxVarintLen64]byte
	_, err := zw.Write(n[:binary.PutUvarint(n[:], uint64(len(payload)))])
	if err == nil {
		_, err = zw.Write(payload)
	}
	if err == nil {
		err = zw.Close()
	}
	w.compressors.Put(zw)
	*bp = out.Bytes()
	return bp, err
}

// Prepare encodes and compresses run r for the archive. It is safe for
// concurrent use, also with AddPrepared: ExecuteShardPrepared calls it on
// the goroutine that ran r.
func (w *ShardWriter) Prepare(r Result) (ShardRun, error) {
	bp, _ := w.payloads.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	*bp = appendCheckpoint((*bp)[:0], w.man.Fingerprint, &r)
	m, err := w.member(*bp)
	w.payloads.Put(bp)
	if err != nil {
		return ShardRun{}, fmt.Errorf("shard archive: run %d: %w", r.Run.Index, err)
	}
	return ShardRun{Index: r.Run.Index, member: m}, nil
}

// ArchivedSize returns the bytes run r takes in the archive of a shard of
// the batch with this fingerprint (for estimates: trustsim plan).
func ArchivedSize(fingerprint string, r Result) (int, error) {
	var w ShardWriter
	w.man.Fingerprint = fingerprint
	sr, err := w.Prepare(r)
	if err != nil {
		return 0, err
	}
	return len(*sr.member), nil
}

// removeStaleTemporaries removes the temporary files of a ShardWriter
// that never reached Close or Abort: ".results.bin.gz.*.tmp" and
// ".shard.json.*.tmp" in dir.
func removeStaleTemporaries(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read shard directory: %w", err)
	}
	for _, e := range entries {
		for _, final := range []string{ShardArchiveName, ShardManifestName} {
			if ok, _ := filepath.Match("."+final+".*.tmp", e.Name()); ok {
				if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
					return fmt.Errorf("remove stale temporary file: %w", err)
				}
			}
		}
	}
	return nil
}

// Add appends a finished run: Prepare, then AddPrepared. Runs must arrive
// in run-index order and belong to the shard, as ExecuteShard delivers
// them.
func (w *ShardWriter) Add(r Result) error {
	if w.done {
		return errors.New("shard archive: Add after Close or Abort")
	}
	sr, err := w.Prepare(r)
	if err != nil {
		return err
	}
	return w.AddPrepared(sr)
}

// AddPrepared appends a run that Prepare encoded, and recycles its
// buffer: r must not be used again. Runs must arrive in run-index order
// and belong to the shard, as ExecuteShardPrepared delivers them.
func (w *ShardWriter) AddPrepared(r ShardRun) error {
	if w.done {
		return errors.New("shard archive: Add after Close or Abort")
	}
	if r.Index != w.next || w.next >= w.man.EndRun {
		return fmt.Errorf("shard archive: got run %d, want run %d of runs %d to %d", r.Index, w.next, w.man.FirstRun, w.man.EndRun-1)
	}
	if _, err := w.buf.Write(*r.member); err != nil {
		return fmt.Errorf("shard archive: run %d: %w", r.Index, err)
	}
	w.members.Put(r.member)
	w.next++
	return nil
}

// Close completes the archive, records end as the shard's end time and
// publishes archive and manifest. The old manifest, if any, is removed
// before the new archive takes its name and the new manifest is renamed
// into place last, so a crash at any point leaves either a complete
// shard or none (the checkpoints, which the caller removes after Close,
// then let the shard resume). Close fails when runs are missing.
func (w *ShardWriter) Close(end time.Time) (err error) {
	if w.done {
		return errors.New("shard archive: Close after Close or Abort")
	}
	defer func() {
		if err != nil {
			w.Abort()
			err = fmt.Errorf("publish shard in %s: %w", w.dir, err)
		}
	}()
	if w.next != w.man.EndRun {
		return fmt.Errorf("%d of the shard's %d runs written", w.next-w.man.FirstRun, w.man.EndRun-w.man.FirstRun)
	}
	if err := w.buf.Flush(); err != nil {
		return err
	}
	// CreateTemp made the file private; a shard is read by a merge job
	// that may run elsewhere, so give it the usual permissions.
	if err := w.f.Chmod(0o644); err != nil {
		return err
	}
	if err := w.f.Sync(); err != nil {
		return err
	}
	if err := w.f.Close(); err != nil {
		return err
	}
	w.man.ArchiveBytes = w.size.n
	w.man.ArchiveSHA256 = hex.EncodeToString(w.sum.Sum(nil))
	w.man.End = FormatTime(end)
	data, err := json.MarshalIndent(&w.man, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	mf, err := os.CreateTemp(w.dir, "."+ShardManifestName+".*.tmp")
	if err != nil {
		return err
	}
	_, err = mf.Write(data)
	if err == nil {
		err = mf.Chmod(0o644)
	}
	if err == nil {
		err = mf.Sync()
	}
	if cerr := mf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(mf.Name())
		return err
	}
	manPath := filepath.Join(w.dir, ShardManifestName)
	if err := os.Remove(manPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		os.Remove(mf.Name())
		return err
	}
	if err := os.Rename(w.f.Name(), filepath.Join(w.dir, ShardArchiveName)); err != nil {
		os.Remove(mf.Name())
		return err
	}
	if err := os.Rename(mf.Name(), manPath); err != nil {
		os.Remove(mf.Name())
		return err
	}
	if d, err := os.Open(w.dir); err == nil {
		_ = d.Sync() // best effort: not every system syncs a directory
		_ = d.Close()
	}
	w.done = true
	return nil
}

// Abort removes the temporary archive; nothing is published. It is a
// no-op after Close.
func (w *ShardWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	_ = w.f.Close() // may be closed already; that error does not matter
	if err := os.Remove(w.f.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove temporary shard archive: %w", err)
	}
	return nil
}

// Manifest returns the manifest as it stands (complete after Close).
func (w *ShardWriter) Manifest() ShardManifest { return w.man }

// FormatTime writes t as the manifests do: RFC 3339 in UTC, "" for the
// zero time.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// ReadShardManifest reads the manifest of the finished shard in dir. A
// directory with checkpoints but no manifest gives an error wrapping
// ErrUnfinishedShard; one with neither, an error wrapping ErrNotShard.
func ReadShardManifest(dir string) (*ShardManifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ShardManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		if HasPartial(dir) {
			return nil, fmt.Errorf("%s %w (%d runs finished and checkpointed, no %s): "+
				"finish it with the same trustsim run command and --resume",
				dir, ErrUnfinishedShard, CountCheckpoints(dir), ShardManifestName)
		}
		if st, serr := os.Stat(dir); serr != nil || !st.IsDir() {
			return nil, fmt.Errorf("%s %w: no such directory", dir, ErrNotShard)
		}
		return nil, fmt.Errorf("%s %w: it has no %s", dir, ErrNotShard, ShardManifestName)
	}
	if err != nil {
		return nil, fmt.Errorf("read shard manifest: %w", err)
	}
	var m ShardManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", filepath.Join(dir, ShardManifestName), ErrNotShard, err)
	}
	if m.Format != shardFormat {
		return nil, fmt.Errorf("%s: shard layout version %d, this trustsim reads version %d: "+
			"merge with the trustsim that ran the shard", filepath.Join(dir, ShardManifestName), m.Format, shardFormat)
	}
	s := m.Shard()
	if err := s.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", filepath.Join(dir, ShardManifestName), ErrNotShard, err)
	}
	if first, end := s.Block(m.Runs); first != m.FirstRun || end != m.EndRun || m.Archive != ShardArchiveName {
		return nil, fmt.Errorf("%s: %w: shard %s of %d runs holds runs %d to %d, not %d to %d",
			filepath.Join(dir, ShardManifestName), ErrNotShard, s, m.Runs, first, end-1, m.FirstRun, m.EndRun-1)
	}
	return &m, nil
}

// ReplayShard reads the archive of the finished shard in dir, whose
// manifest is m, and passes its runs to sink in run-index order. Each
// run must be the run of plan with that index. The archive's size and
// SHA-256 digest must match the manifest; both are checked before any
// run is decoded, so a damaged archive never reaches sink (a damaged byte
// can decode to plausible numbers). Archive problems wrap ErrBadArchive;
// sink's errors are returned as they are.
func ReplayShard(dir string, m *ShardManifest, plan *Plan, sink func(Result) error) error {
	path := filepath.Join(dir, m.Archive)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %w: %s", path, ErrBadArchive, fmt.Sprintf(format, args...))
	}
	f, err := os.Open(path)
	if err != nil {
		return bad("%v", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return bad("%v", err)
	} else if st.Size() != m.ArchiveBytes {
		return bad("%d bytes, the manifest says %d", st.Size(), m.ArchiveBytes)
	}
	sum := sha256.New()
	if _, err := io.Copy(sum, bufio.NewReaderSize(f, 1<<16)); err != nil {
		return bad("%v", err)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != m.ArchiveSHA256 {
		return bad("SHA-256 %.12s, the manifest says %.12s", got, m.ArchiveSHA256)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return bad("%v", err)
	}
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return bad("%v", err)
	}
	// The members read as one stream; the reader checks each member's
	// CRC-32 and length as it reaches its end.
	records := bufio.NewReaderSize(zr, 1<<16)
	var payload []byte
	next := func() error {
		n, err := binary.ReadUvarint(records)
		if err != nil {
			return err
		}
		if n > maxArchiveRecord {
			return fmt.Errorf("a record of %d bytes", n)
		}
		if uint64(cap(payload)) < n {
			payload = make([]byte, n)
		}
		payload = payload[:n]
		if _, err := io.ReadFull(records, payload); err != nil {
			return fmt.Errorf("a record cut short: %w", err)
		}
		// Look ahead so that the reader reaches the end of the record's
		// member and checks its trailer before the record is used.
		if _, err := records.Peek(1); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		return nil
	}
	if err := next(); err != nil {
		return bad("header: %v", err)
	}
	h, err := decodeHeader(payload)
	if err != nil {
		return bad("header: %v", err)
	}
	if want := (archiveHeader{shardFormat, m.Fingerprint, m.Shard(), m.FirstRun, m.EndRun}); h != want {
		return bad("it belongs to shard %s, runs %d to %d, of batch %.12s; the manifest names shard %s, runs %d to %d, of batch %.12s",
			h.Shard, h.FirstRun, h.EndRun-1, h.Fingerprint, want.Shard, want.FirstRun, want.EndRun-1, want.Fingerprint)
	}
	if m.EndRun > plan.NumRuns() {
		return bad("runs up to %d, the plan has %d", m.EndRun-1, plan.NumRuns())
	}
	for i := m.FirstRun; i < m.EndRun; i++ {
		if err := next(); err != nil {
			return bad("run %d: %v", i, err)
		}
		r, err := decodeCheckpoint(payload, m.Fingerprint, plan.Run(i))
		if err != nil {
			return bad("%v", err)
		}
		if err := sink(r); err != nil {
			return err
		}
	}
	// The stream must end here, every member's trailer checked.
	if err := next(); !errors.Is(err, io.EOF) {
		if err == nil {
			return bad("more than the manifest's %d runs", m.EndRun-m.FirstRun)
		}
		return bad("after the last run: %v", err)
	}
	return nil
}
