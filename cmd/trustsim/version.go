package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"
)

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print trustsim's version, source revision and Go version",
		help: `Version prints the module version of trustsim, the version-control
revision it was built from (when the build recorded one) and the Go
version and platform. A batch's manifest.json records the same line, and
--resume refuses to continue a batch started by another version.

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
// "trustsim v0.3.0 (rev 1a2b3c4d5e6f, modified) go1.26.0 linux/amd64".
func versionString() string {
	version, rev := "(unknown)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" && modified {
			rev += ", modified"
		}
	}
	if version == "" {
		version = "(devel)"
	}
	var b strings.Builder
	b.WriteString("trustsim " + version)
	if rev != "" {
		b.WriteString(" (rev " + rev + ")")
	}
	fmt.Fprintf(&b, " %s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return b.String()
}
