//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestSpecialFilesRefused: only regular files are read as scenarios. A
// named pipe (which used to hang validate), /dev/zero (which used to run
// out of memory) and a directory (which used to be "no such file") are
// refused at once as bad input, exit 2, saying what they are; so is a file
// over the size cap.
func TestSpecialFilesRefused(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	fifo := filepath.Join(tmp, "scenario.toml")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	dir := filepath.Join(tmp, "scenarios")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(tmp, "big.toml")
	if err := os.WriteFile(big, []byte(strings.Repeat("# a comment line\n", 300_000)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		say  string
	}{
		{[]string{"validate", fifo}, "is a named pipe (FIFO), not a regular file"},
		{[]string{"validate", "/dev/zero"}, "/dev/zero: is a device, not a regular file"},
		{[]string{"validate", dir}, "is a directory, not a scenario file"},
		{[]string{"run", dir, "--out", filepath.Join(tmp, "out")}, "is a directory, not a scenario file"},
		{[]string{"validate", big}, "larger than a scenario file may be; at most 4194304 bytes (4 MiB)"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			start := time.Now()
			code, stdout, stderr := trustsim(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.say) {
				t.Errorf("exit %d, want %d, and stderr saying %q:\n%s", code, exitUsage, tc.say, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q", stdout)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(tmp, "out")); !os.IsNotExist(err) {
		t.Errorf("a refused run created its output directory: %v", err)
	}
}
