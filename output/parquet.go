package output

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/trustsim/trustsim/batch"
)

// Format says in which formats a batch writes its tables (runs,
// timeseries, aggregate): CSV, Parquet or both. The manifest, scenario
// copy, plots and report are the same whatever the format.
type Format string

// The formats of the tables.
const (
	FormatCSV     Format = "csv"
	FormatParquet Format = "parquet"
	FormatBoth    Format = "both"
)

// Formats are the valid formats, in the order help lists them.
func Formats() []Format { return []Format{FormatCSV, FormatParquet, FormatBoth} }

// ParseFormat returns the format named s; "" is FormatCSV.
func ParseFormat(s string) (Format, error) {
	if s == "" {
		return FormatCSV, nil
	}
	f := Format(s)
	if !slices.Contains(Formats(), f) {
		return "", fmt.Errorf("unknown format %q; want csv, parquet or both", s)
	}
	return f, nil
}

func (f Format) csv() bool { return f == FormatCSV || f == FormatBoth || f == "" }

// Parquet reports whether f writes Parquet tables.
func (f Format) Parquet() bool { return f == FormatParquet || f == FormatBoth }

// The Parquet tables' file names.
const (
	runsParquetName      = "runs.parquet"
	seriesParquetName    = "timeseries.parquet"
	aggregateParquetName = "aggregate.parquet"
)

// parquetRowGroup is the number of rows of a Parquet row group. A row
// group is held in memory until it is complete, so this bounds the
// memory a table takes while it is written (a timeseries row group is
// about 10 MB of values before compression; the writer's live heap is
// about 32 MiB in all), whatever the batch's size; readers stream a file
// one row group at a time.
const parquetRowGroup = 16 << 10

// parquetColumn is one column of a Parquet table: its name and its type
// (a node of parquet-go's schema).
type parquetColumn struct {
	name string
	node parquet.Node
}

// Column types. Counts and indices are signed 64-bit integers, seeds
// unsigned ones, measurements doubles; strategy and metric names are
// dictionary-encoded strings. A column that may be empty in the CSV file
// (an undefined statistic, no strategy) is optional: empty is null.
var (
	pqInt    = parquet.Int(64)
	pqUint   = parquet.Uint(64)
	pqDouble = parquet.Leaf(parquet.DoubleType)
	pqName   = parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
)

// orderedGroup is a parquet.Group whose fields come in a given order
// rather than parquet-go's alphabetical one, so that a Parquet table's
// columns are in the order of the CSV file's.
type orderedGroup struct {
	parquet.Group
	order []string
}

func (g orderedGroup) Fields() []parquet.Field {
	fields := slices.Clone(g.Group.Fields())
	slices.SortStableFunc(fields, func(a, b parquet.Field) int {
		return slices.Index(g.order, a.Name()) - slices.Index(g.order, b.Name())
	})
	return fields
}

// parquetSchema is the schema of a table with columns cols, in order.
func parquetSchema(name string, cols []parquetColumn) *parquet.Schema {
	g := orderedGroup{Group: parquet.Group{}}
	for _, c := range cols {
		g.Group[c.name] = c.node
		g.order = append(g.order, c.name)
	}
	return parquet.NewSchema(name, g)
}

// sweptColumns are the swept parameters' columns: doubles for a
// parameter whose values are all numbers, strings for the others (an
// enum, a boolean), as they appear in the CSV files.
func sweptColumns(plan *batch.Plan) []parquetColumn {
	var cols []parquetColumn
	for j, name := range plan.Swept {
		node := pqDouble
		for i := range plan.Points {
			if _, err := strconv.ParseFloat(plan.Points[i].Swept[j].Value, 64); err != nil {
				node = pqName
				break
			}
		}
		cols = append(cols, parquetColumn{name, node})
	}
	return cols
}

// parquetTable is a Parquet file being written under a temporary name.
type parquetTable struct {
	f   *os.File
	buf *bufio.Writer
	w   *parquet.GenericWriter[any]
	// row is the row being built, reused for every row.
	row   parquet.Row
	final string
}

func (w *Writer) newParquet(final string, cols []parquetColumn) (*parquetTable, error) {
	f, err := w.newTempFile(final)
	if err != nil {
		return nil, err
	}
	t := &parquetTable{f: f, buf: bufio.NewWriterSize(f, 1<<16), final: final}
	t.w = parquet.NewGenericWriter[any](t.buf,
		parquetSchema("trustsim", cols),
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(parquetRowGroup),
		parquet.CreatedBy("trustsim", "", ""),
	)
	return t, nil
}

// Appending values to a row: each takes the column index of the value.
func (t *parquetTable) int(col int, x int64) {
	t.row = append(t.row, parquet.Int64Value(x).Level(0, 0, col))
}
func (t *parquetTable) uint(col int, x uint64) {
	t.row = append(t.row, parquet.Int64Value(int64(x)).Level(0, 0, col))
}
func (t *parquetTable) double(col int, x float64) {
	t.row = append(t.row, parquet.DoubleValue(x).Level(0, 0, col))
}
func (t *parquetTable) str(col int, s string) {
	t.row = append(t.row, parquet.ByteArrayValue([]byte(s)).Level(0, 0, col))
}

// swept appends a point's swept values, columns from col on.
func (t *parquetTable) swept(col int, cols []parquetColumn, pt *batch.Point) {
	for j, v := range pt.Swept {
		if cols[j].node == pqDouble {
			x, _ := strconv.ParseFloat(v.Value, 64) // sweptColumns checked it
			t.double(col+j, x)
		} else {
			t.str(col+j, v.Value)
		}
	}
}

// optional values: null when absent.
func (t *parquetTable) optInt(col int, x int) {
	if x < 0 {
		t.row = append(t.row, parquet.NullValue().Level(0, 0, col))
		return
	}
	t.row = append(t.row, parquet.Int64Value(int64(x)).Level(0, 1, col))
}
func (t *parquetTable) optDouble(col int, x float64) {
	if x != x {
		t.row = append(t.row, parquet.NullValue().Level(0, 0, col))
		return
	}
	t.row = append(t.row, parquet.DoubleValue(x).Level(0, 1, col))
}
func (t *parquetTable) optStr(col int, s string) {
	if s == "" {
		t.row = append(t.row, parquet.NullValue().Level(0, 0, col))
		return
	}
	t.row = append(t.row, parquet.ByteArrayValue([]byte(s)).Level(0, 1, col))
}

// endRow writes the row built so far.
func (t *parquetTable) endRow() error {
	_, err := t.w.WriteRows([]parquet.Row{t.row})
	t.row = t.row[:0]
	if err != nil {
		return fmt.Errorf("%s: %w", t.final, err)
	}
	return nil
}

// finish writes the footer, flushes, syncs and closes the file.
func (t *parquetTable) finish() error {
	err := t.w.Close()
	if err == nil {
		err = t.buf.Flush()
	}
	if err == nil {
		err = t.f.Sync()
	}
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", t.final, err)
	}
	return nil
}

// parquetRecords reads a Parquet table as CSV records: the header, then
// each row with every value written as the CSV file writes it (integers
// in decimal, doubles in their shortest exact form, null as empty), so
// that the readers of the CSV files read it too, and a test can compare
// the two formats field by field.
type parquetRecords struct {
	f      *os.File
	names  []string
	kinds  []pqKind
	rows   parquet.Rows
	groups []parquet.RowGroup
	buf    []parquet.Row
	n, at  int
	row    int // rows returned so far
	header bool
	rec    []string
}

type pqKind int

const (
	kindInt pqKind = iota
	kindUint
	kindDouble
	kindString
)

func openParquetRecords(path string) (*parquetRecords, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	r := &parquetRecords{f: f, groups: pf.RowGroups(), buf: make([]parquet.Row, 256)}
	for _, field := range pf.Schema().Fields() {
		if !field.Leaf() {
			f.Close()
			return nil, fmt.Errorf("column %s is not a plain column", field.Name())
		}
		r.names = append(r.names, field.Name())
		typ := field.Type()
		var k pqKind
		switch typ.Kind() {
		case parquet.Int64, parquet.Int32:
			k = kindInt
			if lt := typ.LogicalType(); lt != nil {
				if it, ok := lt.Value.(*format.IntType); ok && !it.IsSigned {
					k = kindUint
				}
			}
		case parquet.Double:
			k = kindDouble
		case parquet.ByteArray:
			k = kindString
		default:
			f.Close()
			return nil, fmt.Errorf("column %s has type %s", field.Name(), typ)
		}
		r.kinds = append(r.kinds, k)
	}
	return r, nil
}

// Read returns the header first, then one record per row, then io.EOF.
// The record is reused by the next call.
func (r *parquetRecords) Read() ([]string, error) {
	if !r.header {
		r.header = true
		return r.names, nil
	}
	for r.at == r.n {
		if r.rows == nil {
			if len(r.groups) == 0 {
				return nil, io.EOF
			}
			r.rows = r.groups[0].Rows()
			r.groups = r.groups[1:]
		}
		n, err := r.rows.ReadRows(r.buf)
		r.n, r.at = n, 0
		if errors.Is(err, io.EOF) {
			r.rows.Close()
			r.rows = nil
		} else if err != nil {
			return nil, err
		}
	}
	row := r.buf[r.at]
	r.at++
	r.row++
	if len(row) != len(r.names) {
		return nil, fmt.Errorf("row %d has %d values for %d columns", r.row, len(row), len(r.names))
	}
	r.rec = r.rec[:0]
	var b []byte
	for _, v := range row {
		b = b[:0]
		if !v.IsNull() {
			switch r.kinds[v.Column()] {
			case kindInt:
				b = strconv.AppendInt(b, v.Int64(), 10)
			case kindUint:
				b = strconv.AppendUint(b, v.Uint64(), 10)
			case kindDouble:
				b = appendFloat(b, v.Double())
			case kindString:
				b = append(b, v.ByteArray()...)
			}
		}
		r.rec = append(r.rec, string(b))
	}
	return r.rec, nil
}

// where names the row of the record Read returned last.
func (r *parquetRecords) where(int) string { return fmt.Sprintf("row %d", r.row) }

func (r *parquetRecords) Close() error {
	if r.rows != nil {
		r.rows.Close()
	}
	return r.f.Close()
}
