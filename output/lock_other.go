//go:build !unix

package output

import "os"

// tryLock takes no lock where flock(2) does not exist: the directory is
// written unlocked (docs/OUTPUTS.md, "One writer per directory").
func tryLock(*os.File) (bool, error) { return true, nil }
