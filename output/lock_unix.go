//go:build unix

package output

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// tryLock takes an exclusive flock(2) on f without waiting and reports
// whether it got it. flock rather than fcntl (POSIX) locks: an fcntl lock
// belongs to the process and is dropped when it closes any descriptor of
// the file, and goes unnoticed between goroutines of one process; a flock
// belongs to the open file, so a second TakeLock in the same process is
// refused too, and it is released when the file is closed or the process
// dies. On a file system that has no locks (some cluster file systems
// mounted without them) the directory is written unlocked, as before
// locks existed: failing there would stop every batch.
func tryLock(f *os.File) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.ENOTSUP), errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.ENOLCK):
			return true, nil
		}
		return false, err
	}
}
