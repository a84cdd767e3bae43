package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/output"
)

// busyError is an output directory that another trustsim process is
// writing: the command was refused at once (exit status 3).
type busyError struct{ err error }

func (e *busyError) Error() string { return e.err.Error() }
func (e *busyError) Unwrap() error { return e.err }

// claim makes dir this command's output directory (output.ClaimDir):
// a directory trustsim does not own is bad input, one another process
// writes is busy.
func (a *app) claim(dir string) (*output.Claim, error) {
	c, err := output.ClaimDir(dir, output.NewHolder(append([]string{"trustsim"}, a.args...), a.now()))
	return c, ownershipError(err)
}

// ownershipError classifies an error of output.ClaimDir or MarkOwned.
func ownershipError(err error) error {
	switch {
	case errors.Is(err, output.ErrNotOwned):
		return &inputError{err}
	case errors.Is(err, output.ErrLocked):
		return &busyError{err}
	}
	return err
}

// checkSameBatch refuses, unless replace, to run a batch into dir when dir
// holds the finished batch of another scenario text or other flags that
// change results (issue: a copied scenario that keeps name = "default"
// would replace out/default). The same batch again is allowed: it writes
// the same files.
func checkSameBatch(dir, scenario string, source []byte, flags []string, replace bool) error {
	fin, ok, err := output.ReadFinished(dir)
	if err != nil || !ok || replace {
		return err
	}
	sum := sha256.Sum256(source)
	sha := hex.EncodeToString(sum[:])
	var finFlags []string
	if len(fin.Command) >= 3 {
		finFlags = withoutFormat(fin.Command[3:]) // after "trustsim run SCENARIO"
	}
	if fin.ScenarioSHA256 == sha && slices.Equal(finFlags, flags) {
		return nil
	}
	what := "another scenario text"
	if fin.ScenarioSHA256 == sha {
		what = "other flags that change results (--seed, --replicates, --every or --set)"
	}
	return &inputError{fmt.Errorf("%s holds the finished batch of scenario %q, from `%s`; this batch (scenario %q) has %s, "+
		"so it would replace those results: give --replace to replace them, or choose another --out directory",
		dir, fin.Scenario, batch.ShellJoin(fin.Command), scenario, what)}
}

// withoutFormat returns flags less a --format and its value: the format
// of the tables changes no result, so a batch may replace the same batch
// written in another format (its tables of the other format go:
// output.Writer.Close).
func withoutFormat(flags []string) []string {
	var out []string
	for i := 0; i < len(flags); i++ {
		switch {
		case flags[i] == "--format" && i+1 < len(flags):
			i++
		case strings.HasPrefix(flags[i], "--format="):
		default:
			out = append(out, flags[i])
		}
	}
	return out
}
