package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/trustsim/trustsim/output"
)

func plotCommand() *command {
	return &command{
		name:    "plot",
		summary: "redraw the plots and report of a finished batch",
		usage:   "DIR",
		help: `Plot redraws DIR/plots/ and DIR/report.html from the CSV files and
manifest.json of a batch that 'trustsim run' wrote into DIR, without
running anything: after upgrading trustsim, or after editing the files.

Example:
  trustsim plot out/default`,
		setup: func(_ *pflag.FlagSet) func(context.Context, *app, []string) error {
			return func(_ context.Context, a *app, args []string) error {
				if len(args) != 1 {
					return usagef("plot", "plot takes one output directory, got %d arguments", len(args))
				}
				dir := args[0]
				if st, err := os.Stat(dir); err != nil || !st.IsDir() {
					return &inputError{fmt.Errorf("%s is not a batch's output directory", dir)}
				}
				if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
					return &inputError{notABatch(dir)}
				}
				claim, err := a.claim(dir)
				if err != nil {
					return err
				}
				defer claim.Release()
				// Redraw's errors name dir already.
				if err := output.Redraw(dir); err != nil {
					if errors.Is(err, output.ErrNotOwned) {
						return &inputError{err}
					}
					if errors.Is(err, fs.ErrNotExist) {
						return &inputError{err}
					}
					return err
				}
				fmt.Fprintf(a.stdout, "Redrew %s\n", dir)
				return nil
			}
		},
	}
}

// notABatch says that dir, a directory, holds no finished batch (no
// manifest.json, which a batch writes last), and names the batches in
// its subdirectories, as `trustsim plot out` for out/default.
func notABatch(dir string) error {
	var batches []string
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			if _, err := os.Stat(filepath.Join(dir, e.Name(), "manifest.json")); err == nil {
				batches = append(batches, filepath.Join(dir, e.Name()))
			}
		}
	}
	msg := fmt.Sprintf("%s is not a finished batch: it has no manifest.json (a batch writes it last)", dir)
	switch {
	case len(batches) == 1:
		msg += fmt.Sprintf("; did you mean %s?", batches[0])
	case len(batches) > 1:
		msg += fmt.Sprintf("; the batches in it are %s", strings.Join(batches, ", "))
	}
	return errors.New(msg)
}
