package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/output"
)

// storyFlags are the flags of `trustsim story`.
type storyFlags struct {
	scenarioFlags
	out       string
	replicate int
	points    string
	network   bool
	snapEvery int
	workers   int
}

func storyCommand() *command {
	return &command{
		name:    "story",
		summary: "write story.html, one run animated week by week, and network snapshots",
		usage:   "[SCENARIO]",
		help: `Story runs one replicate of SCENARIO's design points again, recording
every week, and writes DIR/story.html: one self-contained page (no network
needed, it opens from the file) that plays the run week by week, two
design points side by side with the same replicate, so that what differs
is the strategy. People are dots in their organizations, ties lines,
partnerships bands; departures, vacancies and successors are marked; the
scheduled events are on a timeline under the weekly results. Play, pause,
step and scrub with the buttons, the slider, the timeline or the keys.

The runs are those of 'trustsim run' with the same scenario, flags and
replicate: the same seeds, the same numbers. A story shows at most 1000
people per run and 6 design points (by default all points, or the first
and the last when there are more); with --network, a larger scenario
gets the network snapshots only.

--network also writes DIR/network/: nodes.csv, edges.csv,
partnerships.csv and changes.csv (departures and arrivals) with run and
step columns, and graphml/ with one GraphML file per run and snapshot,
for pandas, networkx, igraph or Gephi, every --snapshot-every weeks. It
has no size limit (docs/OUTPUTS.md says how large it gets).

Examples:
  trustsim story key-person-departure
  trustsim story default --points 0,4 --replicate 3
  trustsim story handoff --network --snapshot-every 4 --out out/handoff`,
		setup: func(fs *pflag.FlagSet) func(context.Context, *app, []string) error {
			f := &storyFlags{}
			fs.StringVar(&f.out, "out", "", "output `DIR` (default out/<scenario name>)")
			fs.IntVar(&f.replicate, "replicate", 0, "replicate `R` to show (from 0)")
			fs.StringVar(&f.points, "points", "", "design points to show, by index from 0 or by label, comma-separated `LIST` (default: all, up to 6)")
			fs.BoolVar(&f.network, "network", false, "also write network snapshots of the same runs into DIR/network/")
			fs.IntVar(&f.snapEvery, "snapshot-every", 4, "with --network, a snapshot every `K` weeks from week 0")
			fs.IntVar(&f.workers, "workers", 0, "goroutines `N` running the design points at once (default: the number of CPUs)")
			f.declare(fs)
			return f.exec
		},
	}
}

func (f *storyFlags) exec(ctx context.Context, a *app, args []string) error {
	if len(args) > 1 {
		return usagef("story", "story takes one scenario, got %d: %s", len(args), strings.Join(args, " "))
	}
	if f.snapEvery < 1 {
		return usagef("story", "--snapshot-every must be at least 1, got %d", f.snapEvery)
	}
	arg := "default"
	if len(args) == 1 {
		arg = args[0]
	}
	s, plan, _, err := f.load(arg)
	if err != nil {
		return err
	}
	if f.replicate < 0 || f.replicate >= plan.Replicates {
		return usagef("story", "--replicate %d: the batch has replicates 0 to %d", f.replicate, plan.Replicates-1)
	}
	points := output.StoryPoints(plan)
	if f.points != "" {
		if points, err = pickPoints(plan, f.points); err != nil {
			return err
		}
	}
	fits := true
	for _, pt := range points {
		if p := &plan.Points[pt].Params; !output.StoryFits(p) {
			if !f.network {
				return &inputError{fmt.Errorf("%s has %d people; a story shows at most %d (--network writes the network snapshots of any size)", arg, p.People(), output.StoryMaxPeople)}
			}
			fits = false
		}
	}
	dir := f.out
	if dir == "" {
		dir = filepath.Join("out", dirName(s, arg))
	}
	claim, err := a.claim(dir)
	if err != nil {
		return err
	}
	defer claim.Release()
	workers := f.workers
	if workers < 1 {
		workers = len(points)
	}
	if fits {
		st, err := output.RecordStory(ctx, plan, points, f.replicate, workers)
		if err != nil {
			return err
		}
		path, err := st.WriteStory(dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "Story in %s\n", path)
	} else {
		fmt.Fprintf(a.stderr, "trustsim: no story: %s has more than %d people; writing the network snapshots only\n", arg, output.StoryMaxPeople)
	}
	if f.network {
		var runs []int
		for _, pt := range points {
			runs = append(runs, pt*plan.Replicates+f.replicate)
		}
		if err := output.WriteNetwork(ctx, dir, plan, runs, f.snapEvery); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "Network snapshots in %s\n", filepath.Join(dir, output.NetworkName))
	}
	return nil
}

// pickPoints reads --points: indices from 0 or point labels.
func pickPoints(plan *batch.Plan, list string) ([]int, error) {
	var out []int
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if i, err := strconv.Atoi(item); err == nil {
			if i < 0 || i >= len(plan.Points) {
				return nil, usagef("story", "--points: design point %d outside 0–%d", i, len(plan.Points)-1)
			}
			out = append(out, i)
			continue
		}
		found := -1
		var labels []string
		for k := range plan.Points {
			labels = append(labels, strconv.Quote(plan.Points[k].Label()))
			if plan.Points[k].Label() == item {
				found = k
			}
		}
		if found < 0 {
			return nil, usagef("story", "--points: no design point %q; the points are %s", item, strings.Join(labels, ", "))
		}
		out = append(out, found)
	}
	if len(out) > output.StoryMaxLanes {
		return nil, usagef("story", "--points: %d design points; a story shows at most %d", len(out), output.StoryMaxLanes)
	}
	return out, nil
}

// batchStory writes story.html beside the report of the finished batch
// in dir when the batch has one (output.HasStory): replicate 0 of its
// design points, run again with recording, the same runs as the
// batch's. It returns the files to name after the batch's, if any.
func batchStory(ctx context.Context, dir string, plan *batch.Plan, workers int) ([]string, error) {
	if !output.HasStory(plan) {
		return nil, nil
	}
	st, err := output.RecordStory(ctx, plan, output.StoryPoints(plan), 0, workers)
	if err != nil {
		return nil, err
	}
	path, err := st.WriteStory(dir)
	if err != nil {
		return nil, err
	}
	return []string{path}, nil
}
