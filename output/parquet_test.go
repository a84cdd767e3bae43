package output

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// readRecords reads every record of a table, header first.
func readAllRecords(t *testing.T, r records) [][]string {
	t.Helper()
	var all [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return all
		}
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, slices.Clone(rec))
	}
}

func csvTable(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return readAllRecords(t, newCSVRecords(f))
}

func readParquetTable(t *testing.T, path string) [][]string {
	t.Helper()
	r, err := openParquetRecords(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return readAllRecords(t, r)
}

// TestParquetHoldsTheCSVValues writes batches as both CSV and Parquet and
// checks that each Parquet table has the CSV file's columns, in order,
// and the same rows with the same values: every value, written as the
// CSV file writes it, is the same text (null as empty), so no number was
// rounded. The fixtures cover numeric and enum sweeps, strategies,
// undefined statistics (one replicate) and empty recovery weeks.
func TestParquetHoldsTheCSVValues(t *testing.T) {
	for _, f := range []fixture{sweep2, strategies, single, sweep3} {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			meta := fixtureMeta(f, 2)
			meta.Format = FormatBoth
			writeBatchMeta(t, f, dir, meta, testStart)
			for _, names := range [][2]string{
				{runsName, runsParquetName},
				{seriesName, seriesParquetName},
				{aggregateName, aggregateParquetName},
			} {
				c := csvTable(t, filepath.Join(dir, names[0]))
				p := readParquetTable(t, filepath.Join(dir, names[1]))
				if !slices.Equal(c[0], p[0]) {
					t.Errorf("%s has columns %q, %s has %q", names[1], p[0], names[0], c[0])
				}
				if len(c) != len(p) {
					t.Errorf("%s has %d rows, %s %d", names[1], len(p)-1, names[0], len(c)-1)
					continue
				}
				diffs := 0
				for i := 1; i < len(c) && diffs < 5; i++ {
					if !slices.Equal(c[i], p[i]) {
						t.Errorf("%s row %d = %q\n%s row %d = %q", names[1], i, p[i], names[0], i, c[i])
						diffs++
					}
				}
			}
		})
	}
}

// TestParquetOnly checks that --format parquet writes no CSV table
// (effects.csv, a small table of the events' effects, stays CSV), and
// that Redraw draws the same plots and report from the Parquet tables as
// from the CSV files.
func TestParquetOnly(t *testing.T) {
	t.Parallel()
	csvDir, pqDir := t.TempDir(), t.TempDir()
	writeBatch(t, sweep2, csvDir, 2)
	meta := fixtureMeta(sweep2, 2)
	meta.Format = FormatParquet
	writeBatchMeta(t, sweep2, pqDir, meta, testStart.Add(90*time.Second))
	for _, n := range published(t, pqDir) {
		if strings.HasSuffix(n, ".csv") && n != effectsName {
			t.Errorf("a Parquet batch wrote %s", n)
		}
	}
	for _, n := range []string{runsParquetName, seriesParquetName, aggregateParquetName} {
		if _, err := os.Stat(filepath.Join(pqDir, n)); err != nil {
			t.Error(err)
		}
	}
	if err := os.RemoveAll(filepath.Join(pqDir, plotsName)); err != nil {
		t.Fatal(err)
	}
	if err := Redraw(pqDir); err != nil {
		t.Fatal(err)
	}
	for _, n := range published(t, csvDir) {
		if !strings.HasPrefix(n, plotsName+"/") && n != reportName {
			continue
		}
		if !bytes.Equal(readFile(t, filepath.Join(csvDir, n)), readFile(t, filepath.Join(pqDir, n))) {
			t.Errorf("%s redrawn from Parquet differs from the one drawn with CSV", n)
		}
	}
	// trustsim report reads a Parquet-only batch as Redraw does.
	fromCSV, err := loadBatch(csvDir)
	if err != nil {
		t.Fatal(err)
	}
	fromParquet, err := loadBatch(pqDir)
	if err != nil {
		t.Fatalf("a Parquet-only batch cannot be compared: %v", err)
	}
	if why := incomparable(fromCSV, fromParquet); why != "" {
		t.Errorf("the same batch in CSV and in Parquet is incomparable: %s", why)
	}
}

func TestParseFormat(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Format
		ok   bool
	}{
		{"", FormatCSV, true}, {"csv", FormatCSV, true}, {"parquet", FormatParquet, true},
		{"both", FormatBoth, true}, {"CSV", "", false}, {"json", "", false},
	} {
		got, err := ParseFormat(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseFormat(%q) = %q, %v", tt.in, got, err)
		}
	}
}
