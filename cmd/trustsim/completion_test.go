package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestCompletionNamesEverything checks that each shell's script names
// every command and every flag of every command.
func TestCompletionNamesEverything(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		script, _ := mustRun(t, "completion", shell)
		for _, c := range commands() {
			if !strings.Contains(script, c.name) {
				t.Errorf("%s: no command %s", shell, c.name)
			}
			fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
			c.setup(fs)
			fs.VisitAll(func(f *pflag.Flag) {
				want := "--" + f.Name
				if shell == "fish" {
					want = "-l " + f.Name
				}
				if !strings.Contains(script, want) {
					t.Errorf("%s: %s has no %s", shell, c.name, want)
				}
			})
		}
	}
	if code, _, stderr := trustsim(t, "completion", "tcsh"); code != exitUsage || !strings.Contains(stderr, `unknown shell "tcsh"`) {
		t.Errorf("completion tcsh: exit %d, %q", code, stderr)
	}
}

// TestBashCompletion sources the bash script and asks it to complete
// command lines, as bash does on Tab.
func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	script, _ := mustRun(t, "completion", "bash")
	dir := t.TempDir()
	path := filepath.Join(dir, "trustsim.bash")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"out/default", "out/mine"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "mine.toml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line string // the words typed, the last one being completed
		want string // COMPREPLY, space-separated
	}{
		{"trustsim ru", "run"},
		{"trustsim p", "plan plot"},
		{"trustsim run --wor", "--workers"},
		{"trustsim run --out out/d", "out/default"},
		{"trustsim run investment-v", "investment-vs-turnover"},
		{"trustsim run min", "mine.toml"},
		{"trustsim plot out/m", "out/mine"},
		{"trustsim scenarios sh", "show"},
		{"trustsim scenarios show defa", "default"},
		{"trustsim completion f", "fish"},
		{"trustsim help mer", "merge"},
		{"trustsim run --workers ", ""},
		{"trustsim version ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			words := strings.Split(tt.line, " ")
			var quoted []string
			for _, w := range words {
				quoted = append(quoted, "'"+w+"'")
			}
			prog := "source " + path + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" +
				strconv.Itoa(len(words)-1) + "\n_trustsim\necho \"${COMPREPLY[*]}\"\n"
			cmd := exec.Command("bash", "--norc", "--noprofile", "-c", prog)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tt.want {
				t.Errorf("completes to %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCompletionScriptsParse checks that zsh and fish accept their
// scripts. A missing shell skips its check here and fails it in CI
// (CI=true), where .ci/run installs both.
func TestCompletionScriptsParse(t *testing.T) {
	for _, tt := range []struct {
		shell string
		args  []string
	}{
		{"zsh", []string{"-n"}},
		{"fish", []string{"--no-execute"}},
	} {
		t.Run(tt.shell, func(t *testing.T) {
			if _, err := exec.LookPath(tt.shell); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("CI must check the %s script: %s is not installed", tt.shell, tt.shell)
				}
				t.Skipf("%s is not installed (Debian: apt-get install %s)", tt.shell, tt.shell)
			}
			script, _ := mustRun(t, "completion", tt.shell)
			path := filepath.Join(t.TempDir(), "trustsim."+tt.shell)
			if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(tt.shell, append(tt.args, path)...).CombinedOutput(); err != nil {
				t.Errorf("%s rejects its script: %v\n%s", tt.shell, err, out)
			}
		})
	}
}

// TestFishCompletion loads the fish script and asks fish to complete
// command lines (complete -C). Skipped without fish, failed in CI.
func TestFishCompletion(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must check the fish script: fish is not installed")
		}
		t.Skip("fish is not installed (Debian: apt-get install fish)")
	}
	script, _ := mustRun(t, "completion", "fish")
	path := filepath.Join(t.TempDir(), "trustsim.fish")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line string
		want []string // the completions, before their tab and description
	}{
		{"trustsim ru", []string{"run"}},
		{"trustsim run --form", []string{"--format"}},
		{"trustsim run --format ", []string{"both", "csv", "parquet"}},
		{"trustsim run investment-v", []string{"investment-vs-turnover"}},
		{"trustsim scenarios show defa", []string{"default"}},
		{"trustsim completion z", []string{"zsh"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			cmd := exec.Command("fish", "--no-config", "-c", "source "+path+"; complete -C '"+tt.line+"'")
			cmd.Dir = t.TempDir()
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				if l != "" {
					got = append(got, strings.SplitN(l, "\t", 2)[0])
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("completes to %q, want %q", got, tt.want)
			}
		})
	}
}
