package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/spf13/pflag"
)

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print trustsim's version, source revision and Go version",
		help: `Version prints the module version of trustsim, the version-control
revision it was built from (when the build recorded one) and the Go
version and platform. A development build (version "(devel)") or one with
uncommitted changes ("modified") adds the first 12 hex digits of the
SHA-256 of its executable ("exe ..."), so that two such builds are never
taken for one another. A shard's shard.json records the same line, and
--resume and merge refuse the batch or shards of another version.

Example:
  trustsim version`,
		setup: func(_ *pflag.FlagSet) func(context.Context, *app, []string) error {
			return func(_ context.Context, a *app, args []string) error {
				if len(args) > 0 {
					return usagef("version", "version takes no arguments")
				}
				fmt.Fprintln(a.stdout, versionString())
				return nil
			}
		},
	}
}

// versionString describes this build in one line, e.g.
// "trustsim v0.3.0 (rev 1a2b3c4d5e6f) go1.26.0 linux/amd64". It is the
// one version notion of trustsim: 'trustsim version' prints it, shard.json
// records it, and batch fingerprints (resume and merge checks) include it.
// A development or modified build, which its version and revision do not
// identify, adds the first 12 hex digits of the SHA-256 of its executable:
// "trustsim (devel) (rev 1a2b3c4d5e6f, modified, exe 9f8e7d6c5b4a) ...".
func versionString() string {
	versionOnce.Do(func() { version = formatVersion(readBuildVersion(), executableDigest) })
	return version
}

var (
	versionOnce sync.Once
	version     string
)

// buildVersion is what the build recorded about itself.
type buildVersion struct {
	version  string // module version; "" or "(devel)" for a development build
	rev      string // VCS revision, "" when none was recorded
	modified bool   // the working tree had uncommitted changes
}

// readBuildVersion reads the running program's build information.
func readBuildVersion() buildVersion {
	var b buildVersion
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.version = bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.rev = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		}
	}
	return b
}

// formatVersion writes the version line of b; exe returns the digest of
// the executable, called only for a build that needs it.
func formatVersion(b buildVersion, exe func() string) string {
	v := b.version
	if v == "" {
		v = "(devel)"
	}
	var notes []string
	if b.rev != "" {
		notes = append(notes, "rev "+b.rev[:min(len(b.rev), 12)])
	}
	if b.modified {
		notes = append(notes, "modified")
	}
	if v == "(devel)" || b.modified {
		notes = append(notes, "exe "+exe())
	}
	var sb strings.Builder
	sb.WriteString("trustsim " + v)
	if len(notes) > 0 {
		sb.WriteString(" (" + strings.Join(notes, ", ") + ")")
	}
	fmt.Fprintf(&sb, " %s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return sb.String()
}

// executableDigest is the first 12 hex digits of the SHA-256 of the
// running executable, or "unknown" when it cannot be read.
func executableDigest() string {
	path, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unknown"
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
