package output

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/sim"
)

// NetworkName is the folder of network snapshots in an output directory.
const NetworkName = "network"

// The files of a network folder (docs/OUTPUTS.md, "Network snapshots").
const (
	nodesName        = "nodes.csv"
	edgesName        = "edges.csv"
	changesName      = "changes.csv"
	partnershipsName = "partnerships.csv"
	graphmlName      = "graphml"
)

// WriteNetwork runs the given runs of plan (indices as in Plan.Run) and
// writes their network every `every` weeks, from week 0, into
// dir/network: tidy tables of people, ties, partnerships and the
// departures and arrivals between snapshots, with run and step columns,
// and one GraphML file per run and snapshot. It holds two snapshots of
// one run at a time, so memory stays that of a run, and streams every
// row to its file. The folder appears whole or not at all; an existing
// one is replaced only if it holds nothing but these files.
func WriteNetwork(ctx context.Context, dir string, plan *batch.Plan, runs []int, every int) error {
	if every < 1 {
		return fmt.Errorf("network: snapshot interval %d, want at least 1", every)
	}
	final := filepath.Join(dir, NetworkName)
	if err := checkOwnNetwork(final); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, "."+NetworkName+".*.tmp")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(tmp, graphmlName), 0o755); err != nil {
		return err
	}
	nw, err := newNetworkWriter(tmp)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r < 0 || r >= plan.NumRuns() {
			nw.close()
			return fmt.Errorf("network: run %d outside 0–%d", r, plan.NumRuns()-1)
		}
		if err := nw.record(ctx, plan, plan.Run(r), every); err != nil {
			nw.close()
			return err
		}
	}
	if err := nw.close(); err != nil {
		return err
	}
	if err := os.RemoveAll(final); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	ok = true
	return recordPublished(dir, []string{NetworkName})
}

// checkOwnNetwork refuses to replace a folder that holds anything
// WriteNetwork does not write.
func checkOwnNetwork(path string) error {
	entries, err := os.ReadDir(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		switch e.Name() {
		case nodesName, edgesName, changesName, partnershipsName, graphmlName:
		default:
			return fmt.Errorf("%s holds %s, which trustsim did not write; move it away or choose another --out", path, e.Name())
		}
	}
	return nil
}

// networkWriter streams the tables of a network folder.
type networkWriter struct {
	dir                                 string
	files                               []*os.File
	bufs                                []*bufio.Writer
	nodes, edges, changes, partnerships *csv.Writer
}

func newNetworkWriter(dir string) (*networkWriter, error) {
	nw := &networkWriter{dir: dir}
	headers := [][]string{
		{"run", "point", "replicate", "step", "slot", "organization", "kind", "role", "present", "generation", "tenure", "alignment"},
		{"run", "step", "source", "target", "trust", "cross_org", "external"},
		{"run", "step", "slot", "organization", "role", "change", "generation"},
		{"run", "step", "organization_a", "organization_b", "strength", "active"},
	}
	var ws []*csv.Writer
	for k, name := range []string{nodesName, edgesName, changesName, partnershipsName} {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			nw.close()
			return nil, err
		}
		b := bufio.NewWriterSize(f, 1<<16)
		w := csv.NewWriter(b)
		w.UseCRLF = true
		nw.files, nw.bufs = append(nw.files, f), append(nw.bufs, b)
		ws = append(ws, w)
		if err := w.Write(headers[k]); err != nil {
			nw.close()
			return nil, err
		}
	}
	nw.nodes, nw.edges, nw.changes, nw.partnerships = ws[0], ws[1], ws[2], ws[3]
	return nw, nil
}

func (nw *networkWriter) close() error {
	var first error
	for _, w := range []*csv.Writer{nw.nodes, nw.edges, nw.changes, nw.partnerships} {
		if w != nil {
			w.Flush()
			if err := w.Error(); err != nil && first == nil {
				first = err
			}
		}
	}
	for i, f := range nw.files {
		if err := nw.bufs[i].Flush(); err != nil && first == nil {
			first = err
		}
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
	}
	nw.files = nil
	return first
}

// record runs run and writes its snapshots.
func (nw *networkWriter) record(ctx context.Context, plan *batch.Plan, run batch.Run, every int) error {
	p := &plan.Points[run.Point].Params
	orgs := make([]string, len(p.Orgs))
	kinds := make([]string, len(p.Orgs))
	for i, o := range p.Orgs {
		orgs[i], kinds[i] = o.Name, o.Kind.String()
	}
	runText, pointText, repText := strconv.Itoa(run.Index), strconv.Itoa(run.Point), strconv.Itoa(run.Replicate)
	var prev, cur sim.Snapshot
	var changes []sim.Change
	first := true
	width := len(strconv.Itoa(max(0, p.Horizon-1)))
	rec := func(met sim.Metrics, m *sim.Model) error {
		if met.Step%every != 0 {
			return nil
		}
		prev, cur = cur, prev
		m.Snapshot(&cur)
		step := strconv.Itoa(cur.Step)
		for i := range cur.People {
			pe := &cur.People[i]
			if !pe.InInitiative {
				continue
			}
			if err := nw.nodes.Write([]string{runText, pointText, repText, step, strconv.Itoa(pe.Slot), orgs[pe.Org], kinds[pe.Org], pe.Role.String(),
				strconv.FormatBool(pe.Present), strconv.Itoa(pe.Generation), strconv.Itoa(pe.Tenure), formatFloat(pe.Alignment)}); err != nil {
				return err
			}
		}
		for _, t := range cur.Ties {
			if err := nw.edges.Write([]string{runText, step, strconv.Itoa(t.A), strconv.Itoa(t.B), formatFloat(t.Trust),
				strconv.FormatBool(t.CrossOrg), strconv.FormatBool(t.External)}); err != nil {
				return err
			}
		}
		for _, pr := range cur.Partnerships {
			if err := nw.partnerships.Write([]string{runText, step, orgs[pr.A], orgs[pr.B], formatFloat(pr.Strength), strconv.FormatBool(pr.Active)}); err != nil {
				return err
			}
		}
		if !first {
			changes = sim.Changes(changes[:0], &prev, &cur)
			for _, c := range changes {
				what := "departure"
				if c.Arrival {
					what = "arrival"
				}
				pe := &cur.People[c.Slot]
				if err := nw.changes.Write([]string{runText, step, strconv.Itoa(c.Slot), orgs[pe.Org], pe.Role.String(), what, strconv.Itoa(c.Generation)}); err != nil {
					return err
				}
			}
		}
		first = false
		name := fmt.Sprintf("run-%s-step-%0*d.graphml", runText, width, cur.Step)
		return writeGraphML(filepath.Join(nw.dir, graphmlName, name), &cur, orgs, kinds)
	}
	return sim.RunWith(ctx, *p, run.Seed, sim.Options{Record: rec}, nil)
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// writeGraphML writes the people present and their ties as an undirected
// GraphML graph (http://graphml.graphdrawing.org), which networkx
// (read_graphml), igraph (Graph.Read_GraphML) and Gephi read. A node's id
// is its slot.
func writeGraphML(path string, s *sim.Snapshot, orgs, kinds []string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	b := bufio.NewWriterSize(f, 1<<16)
	err = graphML(b, s, orgs, kinds)
	if ferr := b.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func graphML(w io.Writer, s *sim.Snapshot, orgs, kinds []string) error {
	ew := &errWriter{w: w}
	ew.printf(`<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
<key id="organization" for="node" attr.name="organization" attr.type="string"/>
<key id="kind" for="node" attr.name="kind" attr.type="string"/>
<key id="role" for="node" attr.name="role" attr.type="string"/>
<key id="generation" for="node" attr.name="generation" attr.type="int"/>
<key id="tenure" for="node" attr.name="tenure" attr.type="int"/>
<key id="alignment" for="node" attr.name="alignment" attr.type="double"/>
<key id="trust" for="edge" attr.name="trust" attr.type="double"/>
<key id="cross_org" for="edge" attr.name="cross_org" attr.type="boolean"/>
<key id="external" for="edge" attr.name="external" attr.type="boolean"/>
<graph id="step-%d" edgedefault="undirected">
`, s.Step)
	for i := range s.People {
		pe := &s.People[i]
		if !pe.Present {
			continue
		}
		ew.printf(`<node id="%d"><data key="organization">%s</data><data key="kind">%s</data><data key="role">%s</data><data key="generation">%d</data><data key="tenure">%d</data><data key="alignment">%s</data></node>
`, pe.Slot, xmlText(orgs[pe.Org]), kinds[pe.Org], pe.Role, pe.Generation, pe.Tenure, formatFloat(pe.Alignment))
	}
	for _, t := range s.Ties {
		ew.printf(`<edge source="%d" target="%d"><data key="trust">%s</data><data key="cross_org">%t</data><data key="external">%t</data></edge>
`, t.A, t.B, formatFloat(t.Trust), t.CrossOrg, t.External)
	}
	ew.printf("</graph>\n</graphml>\n")
	return ew.err
}

func xmlText(s string) string {
	var b []byte
	w := &appendWriter{&b}
	_ = xml.EscapeText(w, []byte(s)) // appendWriter never fails
	return string(b)
}

type appendWriter struct{ b *[]byte }

func (a *appendWriter) Write(p []byte) (int, error) { *a.b = append(*a.b, p...); return len(p), nil }

// errWriter keeps the first write error, so that a run of writes needs
// one check.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
