// Package output turns a batch's results into the files people read:
// runs.csv (one row per run), timeseries.csv (every kept step of every
// run), aggregate.csv (mean, standard deviation and Student-t 95%
// confidence interval over replicates per design point, step and metric),
// effects.csv (with scheduled events: the statistics of each run minus
// its paired no-events counterfactual), manifest.json (everything needed to trace and reproduce the batch), a
// copy of the scenario text, plots/ (PNG and SVG) and report.html, a
// self-contained page for funders. docs/OUTPUTS.md documents every file
// and column.
//
// A Writer (Create, Add, Close, Abort) streams results into temporary
// files as they arrive and publishes all files by renaming them into place
// in Close, so an interrupted batch never leaves a half-written file that
// looks complete. Redraw rebuilds plots/ and report.html from the files of
// a finished batch; Close draws through the same code, so both give
// identical files.
//
// Output directories are trustsim's own (owned.go): ClaimDir writes into
// a directory only if it is new, empty or marked by .trustsim-batch, whose
// list of published files tells trustsim's files from the user's, and
// takes the directory's lock (lock.go, an advisory flock that dies with
// its process), so that one process at a time writes there.
package output
