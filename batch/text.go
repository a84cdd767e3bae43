package batch

import (
	"strconv"
	"strings"
)

// This file holds the few text helpers that the command line, output and
// scenarios all need, here because every one of them imports batch: one
// definition each, so a command line or a size reads the same wherever
// trustsim prints it.

// ShellQuote quotes s for a POSIX shell when it needs it: a word of
// letters, digits and _@%+=:,./- stays as it is, anything else (the empty
// string included) goes in single quotes.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ShellJoin writes a command line that a POSIX shell reads back as args.
func ShellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = ShellQuote(a)
	}
	return strings.Join(q, " ")
}

// FormatBytes writes a byte count in binary units: "512 B", "1.5 GiB".
func FormatBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(b, 'f', 0, 64) + " B"
	}
	return strconv.FormatFloat(b, 'f', 1, 64) + " " + units[i]
}
