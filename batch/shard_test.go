package batch

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		in   string
		want Shard
		err  string // part of the error; "" for none
	}{
		{"0/1", Shard{0, 1}, ""},
		{"3/4", Shard{3, 4}, ""},
		{" 2 / 16 ", Shard{2, 16}, ""},
		{"4/4", Shard{}, "0 to 3"},
		{"-1/4", Shard{}, "0 to 3"},
		{"0/0", Shard{}, "at least 1"},
		{"1", Shard{}, "i/n"},
		{"a/4", Shard{}, "whole number"},
		{"1/b", Shard{}, "whole number"},
		{"", Shard{}, "i/n"},
	}
	for _, tt := range tests {
		got, err := ParseShard(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ParseShard(%q): %v", tt.in, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseShard(%q) error = %v, want one mentioning %q", tt.in, err, tt.err)
		case got != tt.want:
			t.Errorf("ParseShard(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if err == nil {
			if back, err := ParseShard(got.String()); err != nil || back != got {
				t.Errorf("ParseShard(%q.String()) = %v, %v", got, back, err)
			}
		}
	}
}

func TestShardBlocksTile(t *testing.T) {
	// For every batch size and shard count, the blocks follow each other
	// from 0 to the total, and their sizes differ by at most one.
	for total := 0; total <= 40; total++ {
		for n := 1; n <= 45; n++ {
			next, lo, hi := 0, total, 0
			for i := range n {
				first, end := Shard{i, n}.Block(total)
				if first != next || end < first {
					t.Fatalf("total %d, shard %d/%d: block %d-%d after %d", total, i, n, first, end, next)
				}
				lo, hi = min(lo, end-first), max(hi, end-first)
				next = end
			}
			if next != total || hi-lo > 1 {
				t.Fatalf("total %d, %d shards: end %d, sizes %d to %d", total, n, next, lo, hi)
			}
		}
	}
}

func TestShardDirNamesSort(t *testing.T) {
	for _, n := range []int{1, 9, 10, 11, 100, 1000} {
		var names []string
		for i := range n {
			names = append(names, Shard{i, n}.DirName())
		}
		if !sort.StringsAreSorted(names) {
			t.Errorf("%d shards: directory names not in shard order: %v ...", n, names[:min(len(names), 12)])
		}
	}
	if got := (Shard{2, 16}).DirName(); got != "shard-02-of-16" {
		t.Errorf("DirName = %q", got)
	}
}

// runShard runs shard s of plan into dir and publishes it.
func runShard(t testing.TB, dir string, plan *Plan, s Shard, fingerprint string, workers int) *ShardManifest {
	t.Helper()
	w, err := CreateShard(dir, plan, ShardManifest{Program: "test", Version: "v1", Fingerprint: fingerprint,
		ShardIndex: s.Index, ShardCount: s.Count, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	if err := ExecuteShard(context.Background(), dir, plan, s, fingerprint, Options{Workers: workers}, w.Add); err != nil {
		w.Abort()
		t.Fatalf("shard %s: %v", s, err)
	}
	if err := w.Close(time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	if err := RemovePartial(dir); err != nil {
		t.Fatal(err)
	}
	m, err := ReadShardManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*m, w.Manifest()) {
		t.Errorf("manifest read back %+v, written %+v", *m, w.Manifest())
	}
	return m
}

// merge checks shards and replays them in order.
func merge(t *testing.T, plan *Plan, shards []FinishedShard) []Result {
	t.Helper()
	sorted, err := CheckShards(shards)
	if err != nil {
		t.Fatalf("CheckShards: %v", err)
	}
	var rec recorder
	for _, s := range sorted {
		if err := ReplayShard(s.Dir, s.Manifest, plan, rec.sink); err != nil {
			t.Fatal(err)
		}
	}
	return rec.results
}

func TestShardsMergeToTheBatch(t *testing.T) {
	plan := testPlan(t, 3, 4, 12) // 12 runs
	want := reference(t, plan)
	for _, n := range []int{1, 3, 7, 12, 15} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			root := t.TempDir()
			var shards []FinishedShard
			// Shards finish in any order; give them to merge reversed.
			for i := n - 1; i >= 0; i-- {
				s := Shard{i, n}
				dir := filepath.Join(root, s.DirName())
				m := runShard(t, dir, plan, s, "fp", 1+i%3)
				if first, end := s.Block(plan.NumRuns()); m.FirstRun != first || m.EndRun != end || m.Runs != 12 {
					t.Errorf("shard %s manifest: runs %d-%d of %d", s, m.FirstRun, m.EndRun, m.Runs)
				}
				shards = append(shards, FinishedShard{dir, m})
			}
			if got := merge(t, plan, shards); !reflect.DeepEqual(got, want) {
				t.Fatal("merged shards differ from the unsharded batch")
			}
		})
	}
}

func TestShardResume(t *testing.T) {
	plan := testPlan(t, 2, 6, 12)
	want := reference(t, plan)[4:8] // shard 1/3 of 12 runs: runs 4-7
	s := Shard{1, 3}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := Options{Workers: 2, Progress: func(done, total int) {
		if total != 4 {
			t.Errorf("progress total %d, want the shard's 4 runs", total)
		}
		if done >= 2 {
			cancel()
		}
	}}
	w, err := CreateShard(dir, plan, ShardManifest{Fingerprint: "fp", ShardIndex: 1, ShardCount: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := ExecuteShard(ctx, dir, plan, s, "fp", opt, w.Add); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted shard: %v", err)
	}
	w.Abort()
	if _, err := ReadShardManifest(dir); !errors.Is(err, ErrUnfinishedShard) || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("manifest of an interrupted shard: %v, want ErrUnfinishedShard naming --resume", err)
	}
	// The shard's checkpoints are not the whole batch's, nor another
	// shard's.
	if err := CheckPartial(dir, "fp", true); !errors.Is(err, ErrOtherBatch) {
		t.Errorf("resuming the shard's directory as the whole batch: %v, want ErrOtherBatch", err)
	}
	if err := CheckPartial(dir, ShardFingerprint("fp", Shard{2, 3}), true); !errors.Is(err, ErrOtherBatch) {
		t.Errorf("resuming it as shard 2/3: %v, want ErrOtherBatch", err)
	}
	if err := CheckPartial(dir, ShardFingerprint("fp", s), true); err != nil {
		t.Errorf("resuming it as itself: %v", err)
	}
	m := runShardResume(t, dir, plan, s)
	var rec recorder
	if err := ReplayShard(dir, m, plan, rec.sink); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rec.results, want) {
		t.Error("resumed shard differs from the runs of the unsharded batch")
	}
}

// runShardResume finishes shard s in dir with Resume set.
func runShardResume(t *testing.T, dir string, plan *Plan, s Shard) *ShardManifest {
	t.Helper()
	w, err := CreateShard(dir, plan, ShardManifest{Fingerprint: "fp", ShardIndex: s.Index, ShardCount: s.Count})
	if err != nil {
		t.Fatal(err)
	}
	var rec recorder
	opt := Options{Workers: 2, Resume: true, Progress: rec.onProgress}
	if err := ExecuteShard(context.Background(), dir, plan, s, "fp", opt, w.Add); err != nil {
		t.Fatal(err)
	}
	if first := rec.progress[0]; first[0] < 2 || first[1] != 4 {
		t.Errorf("resumed shard started at %v, want at least 2 of 4 runs done", first)
	}
	if err := w.Close(time.Now()); err != nil {
		t.Fatal(err)
	}
	m, err := ReadShardManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCheckShardsRefuses(t *testing.T) {
	// Manifests only: CheckShards never opens an archive.
	man := func(i, n int, edit func(*ShardManifest)) *ShardManifest {
		m := &ShardManifest{Program: "trustsim", Version: "v1", Fingerprint: "fp", ScenarioFile: "s.toml",
			ScenarioSHA256: "aaaa", BaseSeed: 1, Points: 5, Replicates: 2, Runs: 10, ShardIndex: i, ShardCount: n}
		m.FirstRun, m.EndRun = m.Shard().Block(m.Runs)
		if edit != nil {
			edit(m)
		}
		return m
	}
	four := func(edit func(*ShardManifest)) []FinishedShard {
		var s []FinishedShard
		for i := range 4 {
			var e func(*ShardManifest)
			if i == 2 {
				e = edit
			}
			s = append(s, FinishedShard{fmt.Sprintf("s%d", i), man(i, 4, e)})
		}
		return s
	}
	tests := []struct {
		name    string
		shards  []FinishedShard
		missing []Span
		doubled []Span
		want    []string // each must appear in the message
	}{
		{name: "none", want: []string{"no shards"}},
		{name: "missing shard", shards: slices.Delete(four(nil), 1, 2),
			missing: []Span{{2, 5}}, want: []string{"runs 2-4 of 10 missing: shard 1/4 not given"}},
		{name: "missing first and last", shards: four(nil)[1:3],
			missing: []Span{{0, 2}, {7, 10}}, want: []string{"runs 0-1 of 10 missing: shard 0/4", "runs 7-9 of 10 missing: shard 3/4"}},
		{name: "repeated shard", shards: append(four(nil), FinishedShard{"copy", man(1, 4, nil)}),
			doubled: []Span{{2, 5}}, want: []string{"runs 2-4 held more than once: by s1 (shard 1/4), copy (shard 1/4)"}},
		{name: "same directory twice", shards: append(four(nil), four(nil)[3]),
			doubled: []Span{{7, 10}}, want: []string{"runs 7-9 held more than once: by s3 (shard 3/4), s3 (shard 3/4)"}},
		{name: "overlapping counts", shards: []FinishedShard{{"a", man(0, 2, nil)}, {"b", man(1, 3, nil)}, {"c", man(2, 3, nil)}},
			doubled: []Span{{3, 5}}, want: []string{"runs 3-4 held more than once: by a (shard 0/2), b (shard 1/3)"}},
		{name: "gap between counts", shards: []FinishedShard{{"a", man(0, 3, nil)}, {"b", man(1, 2, nil)}},
			missing: []Span{{3, 5}}, want: []string{"runs 3-4 of 10 missing"}},
		{name: "other seed", shards: four(func(m *ShardManifest) { m.BaseSeed = 2; m.Fingerprint = "fp2" }),
			want: []string{"s2 (shard 2/4) is of another batch than s0 (shard 0/4): seed 2, not 1"}},
		{name: "other scenario", shards: four(func(m *ShardManifest) { m.ScenarioSHA256 = "bbbb"; m.ScenarioFile = "t.toml" }),
			want: []string{`scenario "t.toml" (text sha256 bbbb), not "s.toml" (aaaa)`}},
		{name: "other overrides", shards: four(func(m *ShardManifest) { m.Overrides = []string{"horizon=9"} }),
			want: []string{"overrides [horizon=9], not []"}},
		{name: "other version", shards: four(func(m *ShardManifest) { m.Version = "v2" }),
			want: []string{`program "v2", not "v1"`}},
		{name: "other size", shards: four(func(m *ShardManifest) { m.Replicates = 3; m.Runs = 15; m.FirstRun, m.EndRun = m.Shard().Block(15) }),
			want: []string{"5 points × 3 replicates = 15 runs, not 5 × 2 = 10"}},
		{name: "other fingerprint only", shards: four(func(m *ShardManifest) { m.Fingerprint = "other" }),
			want: []string{"batch fingerprint other, not fp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CheckShards(tt.shards)
			var me *MergeError
			if !errors.As(err, &me) {
				t.Fatalf("CheckShards = %v, want a *MergeError", err)
			}
			if !slices.Equal(me.Missing, tt.missing) || !slices.Equal(me.Doubled, tt.doubled) {
				t.Errorf("missing %v, doubled %v; want %v, %v", me.Missing, me.Doubled, tt.missing, tt.doubled)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%s", w, err)
				}
			}
		})
	}

	// Shards given in any order come back in run order; an empty shard
	// (more shards than runs) is fine.
	var shards []FinishedShard
	for _, i := range []int{3, 0, 11, 2, 1, 5, 4, 6, 7, 8, 9, 10} {
		shards = append(shards, FinishedShard{fmt.Sprint(i), man(i, 12, nil)})
	}
	sorted, err := CheckShards(shards)
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k < len(sorted); k++ {
		if sorted[k].Manifest.FirstRun < sorted[k-1].Manifest.EndRun {
			t.Errorf("shard %s before %s", sorted[k-1].Manifest.Shard(), sorted[k].Manifest.Shard())
		}
	}
}

func TestReplayShardRefusesDamage(t *testing.T) {
	plan := testPlan(t, 2, 2, 10)
	root := t.TempDir()
	dirs := make([]string, 2)
	mans := make([]*ShardManifest, 2)
	for i := range dirs {
		dirs[i] = filepath.Join(root, fmt.Sprint(i))
		mans[i] = runShard(t, dirs[i], plan, Shard{i, 2}, "fp", 1)
	}
	archive := filepath.Join(dirs[0], ShardArchiveName)
	good, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	other, err := os.ReadFile(filepath.Join(dirs[1], ShardArchiveName))
	if err != nil {
		t.Fatal(err)
	}
	flipped := slices.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	tests := []struct {
		name string
		data []byte
		edit func(*ShardManifest)
		want string
	}{
		{"truncated", good[:len(good)-9], nil, "bytes, the manifest says"},
		{"bit flipped", flipped, nil, "SHA-256"},
		{"another shard's archive", other, func(m *ShardManifest) {
			m.ArchiveBytes, m.ArchiveSHA256 = int64(len(other)), mans[1].ArchiveSHA256
		}, "belongs to shard 1/2"},
		{"digest", good, func(m *ShardManifest) { m.ArchiveSHA256 = strings.Repeat("0", 64) }, "SHA-256"},
		{"another batch", good, func(m *ShardManifest) { m.Fingerprint = "other" }, "of batch fp"},
		{"missing", nil, nil, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.data != nil {
				if err := os.WriteFile(filepath.Join(dir, ShardArchiveName), tt.data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			m := *mans[0]
			if tt.edit != nil {
				tt.edit(&m)
			}
			delivered := 0
			err := ReplayShard(dir, &m, plan, func(Result) error { delivered++; return nil })
			if !errors.Is(err, ErrBadArchive) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReplayShard = %v, want ErrBadArchive saying %q", err, tt.want)
			}
			// Every check comes before the first run is delivered: a
			// damaged byte can decode to plausible numbers.
			if delivered != 0 {
				t.Errorf("ReplayShard delivered %d runs of a refused archive", delivered)
			}
		})
	}
	// The sink's own error comes back as it is.
	stop := errors.New("stop")
	if err := ReplayShard(dirs[0], mans[0], plan, func(Result) error { return stop }); !errors.Is(err, stop) || errors.Is(err, ErrBadArchive) {
		t.Errorf("sink error came back as %v", err)
	}
}

func TestReadShardManifestErrors(t *testing.T) {
	root := t.TempDir()
	empty := filepath.Join(root, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	garbled := filepath.Join(root, "garbled")
	if err := os.Mkdir(garbled, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(garbled, ShardManifestName), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	future := filepath.Join(root, "future")
	if err := os.Mkdir(future, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(future, ShardManifestName), []byte(`{"format": 99}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir  string
		is   error
		want string
	}{
		{filepath.Join(root, "nosuch"), ErrNotShard, "no such directory"},
		{empty, ErrNotShard, "no shard.json"},
		{garbled, ErrNotShard, "shard.json"},
		{future, nil, "layout version 99"},
	}
	for _, tt := range tests {
		_, err := ReadShardManifest(tt.dir)
		if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadShardManifest(%s) = %v, want %v saying %q", tt.dir, err, tt.is, tt.want)
		}
	}
}

func TestShardWriterOrder(t *testing.T) {
	plan := testPlan(t, 1, 4, 5)
	res := reference(t, plan)
	dir := t.TempDir()
	w, err := CreateShard(dir, plan, ShardManifest{Fingerprint: "fp", ShardIndex: 1, ShardCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Add(res[0]); err == nil || !strings.Contains(err.Error(), "want run 2") {
		t.Errorf("Add of a run outside the shard: %v", err)
	}
	if err := w.Add(res[2]); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(time.Now()); err == nil || !strings.Contains(err.Error(), "1 of the shard's 2 runs") {
		t.Errorf("Close with a run missing: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("a failed Close left %v", entries)
	}
}

// TestCreateShardRemovesStaleTemporaries checks that a shard started in
// a directory where an earlier process was killed (kill -9, a lost node)
// while writing removes that process's temporary files, and nothing else.
func TestCreateShardRemovesStaleTemporaries(t *testing.T) {
	plan := testPlan(t, 1, 4, 5)
	dir := t.TempDir()
	stale := []string{
		"." + ShardArchiveName + ".123456.tmp",
		"." + ShardManifestName + ".987.tmp",
	}
	kept := []string{ShardManifestName, ShardArchiveName, "notes.txt", "." + ShardArchiveName + ".keep"}
	for _, name := range append(slices.Clone(stale), kept...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w, err := CreateShard(dir, plan, ShardManifest{Fingerprint: "fp", ShardIndex: 0, ShardCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, name := range stale {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale %s is still there (%v)", name, err)
		}
	}
	for _, name := range kept {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was removed: %v", name, err)
		}
	}
	// The new archive's own temporary file is the only one left.
	var tmps []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			tmps = append(tmps, e.Name())
		}
	}
	if len(tmps) != 1 || tmps[0] != filepath.Base(w.f.Name()) {
		t.Errorf("temporary files %v, want only the new archive's %s", tmps, filepath.Base(w.f.Name()))
	}
}

func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/1", "3/4", " 2 / 16 ", "4/4", "-1/2", "1", "a/b", "/", "9999999999999999999/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := ParseShard(s)
		if err != nil {
			return
		}
		if err := sh.Check(); err != nil {
			t.Fatalf("ParseShard(%q) = %v, which Check refuses: %v", s, sh, err)
		}
		back, err := ParseShard(sh.String())
		if err != nil || back != sh {
			t.Fatalf("ParseShard(%q) = %v; its String %q parses to %v, %v", s, sh, sh.String(), back, err)
		}
		for _, total := range []int{0, 1, 7, 1 << 40} {
			first, end := sh.Block(total)
			if first < 0 || first > end || end > total {
				t.Fatalf("shard %v of %d runs: block %d-%d", sh, total, first, end)
			}
		}
	})
}

// TestReplayShardChecksRecords builds archives whose size and SHA-256 match
// their manifest but whose records are wrong, member by member (the
// archive is a header member and one gzip member per run), as a faulty
// writer could leave them: ReplayShard must refuse each, having delivered
// only the good runs before the first wrong record (merge then publishes
// nothing), and never a run whose member fails its gzip trailer.
func TestReplayShardChecksRecords(t *testing.T) {
	plan := testPlan(t, 2, 2, 6) // 4 runs
	results := reference(t, plan)
	dir := t.TempDir()
	w, err := CreateShard(dir, plan, ShardManifest{Fingerprint: "fp", ShardIndex: 0, ShardCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	headerP, err := w.member(appendHeader(nil, archiveHeader{shardFormat, "fp", Shard{0, 1}, 0, 4}))
	if err != nil {
		t.Fatal(err)
	}
	header := *headerP
	runs := make([][]byte, len(results))
	for i, r := range results {
		sr, err := w.Prepare(r)
		if err != nil {
			t.Fatal(err)
		}
		runs[i] = *sr.member
	}
	other, err := (&ShardWriter{man: ShardManifest{Fingerprint: "other"}}).Prepare(results[2])
	if err != nil {
		t.Fatal(err)
	}
	hugeP, err := w.member(nil)
	if err != nil {
		t.Fatal(err)
	}
	huge := *hugeP
	var long bytes.Buffer // a record that claims 2 GiB
	zw := gzip.NewWriter(&long)
	zw.Write(binary.AppendUvarint(nil, 1<<31))
	zw.Close()
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	badCRC := slices.Clone(runs[1])
	badCRC[len(badCRC)-8] ^= 1 // the trailer: CRC-32, then length
	tests := []struct {
		name      string
		archive   []byte
		want      string
		delivered int // the runs before the wrong record
	}{
		{"a run missing", cat(header, runs[0], runs[1], runs[3]), "record of run 2: holds run", 2},
		{"runs swapped", cat(header, runs[0], runs[2], runs[1], runs[3]), "record of run 1: holds run", 1},
		{"a run too many", cat(header, runs[0], runs[1], runs[2], runs[3], runs[3]), "more than the manifest's 4 runs", 4},
		{"another batch's run", cat(header, runs[0], runs[1], *other.member, runs[3]), "record of run 2: belongs to another batch", 2},
		{"an empty record", cat(header, runs[0], huge, runs[2], runs[3]), "record of run 1", 1},
		{"a record too long", cat(header, runs[0], long.Bytes()), "a record of 2147483648 bytes", 1},
		{"the last member's trailer cut short", cat(header, runs[0], runs[1], runs[2], runs[3][:len(runs[3])-5]), "run 3: unexpected EOF", 3},
		{"no header", cat(runs[0], runs[1], runs[2], runs[3]), "header", 0},
		{"a member's checksum wrong", cat(header, runs[0], badCRC, runs[2], runs[3]), "run 1: gzip: invalid checksum", 1},
	}
	// publish writes archive into a new shard directory with a manifest
	// that matches it, as a faulty writer would have.
	publish := func(t *testing.T, archive []byte) (string, *ShardManifest) {
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, ShardArchiveName), archive, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(archive)
		return d, &ShardManifest{Format: shardFormat, Fingerprint: "fp", ShardIndex: 0, ShardCount: 1, Runs: 4, FirstRun: 0, EndRun: 4,
			Archive: ShardArchiveName, ArchiveBytes: int64(len(archive)), ArchiveSHA256: hex.EncodeToString(sum[:])}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, m := publish(t, tt.archive)
			delivered := 0
			err := ReplayShard(d, m, plan, func(Result) error { delivered++; return nil })
			if !errors.Is(err, ErrBadArchive) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReplayShard = %v, want ErrBadArchive saying %q", err, tt.want)
			}
			if delivered != tt.delivered {
				t.Errorf("delivered %d runs, want %d", delivered, tt.delivered)
			}
		})
	}
	// The good archive, assembled the same way, replays to the results.
	d, m := publish(t, cat(header, runs[0], runs[1], runs[2], runs[3]))
	var rec recorder
	if err := ReplayShard(d, m, plan, rec.sink); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rec.results, results) {
		t.Error("the assembled archive does not replay to the runs it holds")
	}
}

// FuzzReplayShard feeds arbitrary archives, with a manifest whose size
// and SHA-256 match them, to ReplayShard: it must not panic, every error
// must be ErrBadArchive, and whatever it delivers must be runs of the
// plan, in order.
func FuzzReplayShard(f *testing.F) {
	plan := testPlan(f, 1, 2, 3)
	dir := f.TempDir()
	m := runShard(f, dir, plan, Shard{0, 1}, "fp", 1)
	good, err := os.ReadFile(filepath.Join(dir, ShardArchiveName))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, archive []byte) {
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, ShardArchiveName), archive, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(archive)
		mm := *m
		mm.ArchiveBytes, mm.ArchiveSHA256 = int64(len(archive)), hex.EncodeToString(sum[:])
		next := mm.FirstRun
		err := ReplayShard(d, &mm, plan, func(r Result) error {
			if r.Run != plan.Run(next) {
				t.Fatalf("delivered run %+v, want %+v", r.Run, plan.Run(next))
			}
			next++
			return nil
		})
		if err != nil && !errors.Is(err, ErrBadArchive) {
			t.Fatalf("ReplayShard = %v, not ErrBadArchive", err)
		}
		if err == nil && next != mm.EndRun {
			t.Fatalf("ReplayShard accepted an archive of %d runs, want %d", next-mm.FirstRun, mm.EndRun-mm.FirstRun)
		}
	})
}
