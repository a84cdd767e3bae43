package batch

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestShellJoin(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"trustsim", "run", "my.toml", "--set", "policy.relationship_share=0.1"}, "trustsim run my.toml --set policy.relationship_share=0.1"},
		{[]string{"--set", "org.*.annual_turnover=0.2"}, "--set 'org.*.annual_turnover=0.2'"},
		{[]string{"a b", "", "it's", "user@host:/x,y%+"}, `'a b' '' 'it'\''s' user@host:/x,y%+`},
	}
	for _, tt := range tests {
		got := ShellJoin(tt.args)
		if got != tt.want {
			t.Errorf("ShellJoin(%q) = %s, want %s", tt.args, got, tt.want)
		}
		// A shell reads it back as the same words.
		sh, err := exec.LookPath("sh")
		if err != nil {
			continue
		}
		out, err := exec.Command(sh, "-c", `for a in `+got+`; do printf '%s\n' "[$a]"; done`).Output()
		if err != nil {
			t.Fatalf("sh: %v", err)
		}
		var back []string
		for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
			back = append(back, strings.TrimSuffix(strings.TrimPrefix(l, "["), "]"))
		}
		if !slices.Equal(back, tt.args) {
			t.Errorf("sh reads %s as %q, want %q", got, back, tt.args)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		b    float64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{5 << 20, "5.0 MiB"},
		{2.1 * (1 << 30), "2.1 GiB"},
		{3 << 50, "3.0 PiB"},
	}
	for _, tt := range tests {
		if got := FormatBytes(tt.b); got != tt.want {
			t.Errorf("FormatBytes(%v) = %q, want %q", tt.b, got, tt.want)
		}
	}
}
