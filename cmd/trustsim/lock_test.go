package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trustsim/trustsim/batch"
	"github.com/trustsim/trustsim/output"
)

// These tests run trustsim in other processes (the test binary itself,
// which TestMain turns into trustsim when childEnv is set), so that the
// lock is taken by two real processes and one of them can be killed.

const (
	childEnv  = "TRUSTSIM_TEST_CHILD"
	holdEnv   = "TRUSTSIM_TEST_HOLD" // "claimed" or "runs"
	holdingAt = "TEST: HOLDING"
)

// childMain is main for a child process: trustsim with os.Args[1:],
// holding still where holdEnv says, after printing holdingAt to stderr.
func childMain() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	a := newApp(os.Stdout, os.Stderr)
	go a.onSignal(ctx, stop)
	hold := func() {
		fmt.Fprintln(os.Stderr, holdingAt)
		time.Sleep(time.Hour)
	}
	switch os.Getenv(holdEnv) {
	case "claimed":
		a.onClaimed = hold
	case "runs":
		var once sync.Once
		a.onProgress = func(done, _ int) {
			if done >= 3 {
				once.Do(hold)
			}
		}
	}
	code := a.main(ctx, os.Args[1:])
	a.finished.Store(true)
	stop()
	os.Exit(code)
}

// skipUnderRace skips a test of several processes under the race
// detector: what it checks (a lock between processes, a kill) is not a
// data race, and children built with -race run their batches many times
// slower. .ci/run runs these tests without -race
// (TestCIRunsTheNonRaceTests).
func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("runs trustsim in other processes; .ci/run runs it without -race")
	}
}

// child is a trustsim process started by startChild.
type child struct {
	cmd    *exec.Cmd
	stderr strings.Builder
	mu     sync.Mutex
	held   chan struct{}
	done   chan struct{}
}

// startChild starts trustsim args in another process, holding as hold
// says ("" runs straight through).
func startChild(t *testing.T, hold string, args ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: exec.Command(exe, args...), held: make(chan struct{}), done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), childEnv+"=1", holdEnv+"="+hold, "SLURM_ARRAY_TASK_ID=", "JOB_COMPLETION_INDEX=")
	pipe, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(pipe)
		var once sync.Once
		for sc.Scan() {
			c.mu.Lock()
			c.stderr.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
			if sc.Text() == holdingAt {
				once.Do(func() { close(c.held) })
			}
		}
		_, _ = io.Copy(io.Discard, pipe)
	}()
	t.Cleanup(func() { _ = c.cmd.Process.Kill(); <-c.done; _ = c.cmd.Wait() })
	return c
}

// waitHeld waits until the child holds still.
func (c *child) waitHeld(t *testing.T) {
	t.Helper()
	select {
	case <-c.held:
	case <-c.done:
		t.Fatalf("the child ended before holding:\n%s", c.errText())
	case <-time.After(60 * time.Second):
		t.Fatalf("the child did not hold within a minute:\n%s", c.errText())
	}
}

// wait waits for the child to end and returns its exit status.
func (c *child) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(limit):
		t.Fatalf("the child did not end within %s:\n%s", limit, c.errText())
	}
	err := c.cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

func (c *child) errText() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stderr.String()
}

// TestSecondWriterRefused: a second trustsim process writing into a
// directory another holds is refused at once, exit 3, with a message
// that says who holds it; the holder answers the first SIGTERM at once
// (it is between stages that stop on their own), and the directory is
// free again after it.
func TestSecondWriterRefused(t *testing.T) {
	skipUnderRace(t)
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "co")
	args := runArgs("--resume", "--quiet", "--out", dir)
	first := startChild(t, "claimed", args...)
	first.waitHeld(t)

	second := startChild(t, "", args...)
	if code := second.wait(t, 30*time.Second); code != exitBusy {
		t.Fatalf("second writer: exit %d, want %d:\n%s", code, exitBusy, second.errText())
	}
	msg := second.errText()
	host, _ := os.Hostname()
	for _, want := range []string{dir, "is being written by another trustsim process", "pid " + strconv.Itoa(first.cmd.Process.Pid), host, "trustsim run " + small, "since "} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, msg)
		}
	}

	start := time.Now()
	if err := first.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := first.wait(t, 10*time.Second); code != exitInterrupted {
		t.Errorf("the holder after SIGTERM: exit %d, want %d:\n%s", code, exitInterrupted, first.errText())
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the holder took %s to answer SIGTERM", d)
	}
	mustRun(t, args...)
	sameBatch(t, wholeSweep(t), dir)
}

// TestKillWhileHoldingTheLock: a batch killed with SIGKILL while it holds
// the lock, part-way through its runs, leaves the directory free, and
// --resume finishes it with the files of an uninterrupted batch.
func TestKillWhileHoldingTheLock(t *testing.T) {
	skipUnderRace(t)
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "killed")
	c := startChild(t, "runs", runArgs("--quiet", "--workers", "1", "--out", dir)...)
	c.waitHeld(t)
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t, 30*time.Second); code != -1 {
		t.Errorf("killed child: exit %d, want -1 (killed by a signal)", code)
	}
	if n := batch.CountCheckpoints(dir); n < 3 {
		t.Fatalf("%d runs checkpointed before the kill, want at least 3", n)
	}
	if b, err := os.ReadFile(filepath.Join(dir, output.LockName)); err != nil || !strings.Contains(string(b), "pid "+strconv.Itoa(c.cmd.Process.Pid)) {
		t.Errorf("the lock file does not name the killed holder: %q, %v", b, err)
	}
	_, stderr := mustRun(t, runArgs("--resume", "--quiet", "--out", dir)...)
	if stderr != "" {
		t.Errorf("resume stderr: %s", stderr)
	}
	sameBatch(t, wholeSweep(t), dir)
}

// TestConcurrentStarts: the case of a Slurm job requeued while its first
// attempt still runs. Two processes started together, with --resume and
// without: each either finishes the batch or is refused as busy, never
// anything else, and the directory ends with the files of one whole
// batch.
func TestConcurrentStarts(t *testing.T) {
	skipUnderRace(t)
	t.Parallel()
	for trial := range 2 {
		dir := filepath.Join(t.TempDir(), "co")
		args := runArgs("--quiet", "--workers", "1", "--out", dir)
		if trial%2 == 0 {
			args = append(args, "--resume") // as Slurm and Kubernetes jobs run
		}
		a, b := startChild(t, "", args...), startChild(t, "", args...)
		ca, cb := a.wait(t, 120*time.Second), b.wait(t, 120*time.Second)
		for _, x := range []struct {
			code int
			c    *child
		}{{ca, a}, {cb, b}} {
			if x.code != exitOK && x.code != exitBusy {
				t.Errorf("trial %d: exit %d, want %d or %d:\n%s", trial, x.code, exitOK, exitBusy, x.c.errText())
			}
		}
		if ca != exitOK && cb != exitOK {
			t.Fatalf("trial %d: neither process finished the batch", trial)
		}
		sameBatch(t, wholeSweep(t), dir)
	}
}

// TestShardsWriteInParallel: shards of one batch lock their own
// directories, not the batch's: while one shard's process holds its lock,
// another shard runs to the end in the same batch directory, and a second
// process for the held shard is refused.
func TestShardsWriteInParallel(t *testing.T) {
	skipUnderRace(t)
	t.Parallel()
	root := filepath.Join(t.TempDir(), "batch")
	shard := func(i int) []string {
		return runArgs("--quiet", "--workers", "1", "--out", root, "--shard", fmt.Sprintf("%d/2", i), "--resume")
	}
	held := startChild(t, "claimed", shard(0)...)
	held.waitHeld(t)
	if code := startChild(t, "", shard(1)...).wait(t, 60*time.Second); code != exitOK {
		t.Fatalf("shard 1 beside a running shard 0: exit %d", code)
	}
	if c := startChild(t, "", shard(0)...); c.wait(t, 30*time.Second) != exitBusy {
		t.Errorf("a second process for shard 0 was not refused as busy:\n%s", c.errText())
	}
	if err := held.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	held.wait(t, 30*time.Second)
	mustRun(t, shard(0)...)
	mustRun(t, "merge", "--quiet", root)
	sameMerged(t, wholeSweep(t), root)
}
