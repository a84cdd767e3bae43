package output

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockName is the lock file of an output directory: `trustsim run`,
// `merge` and `plot` hold an advisory lock on it for as long as they
// write into the directory, and write into it who holds it.
const LockName = ".trustsim.lock"

// ErrLocked is returned (wrapped) by TakeLock when another process holds
// the directory's lock.
var ErrLocked = errors.New("is being written by another trustsim process")

// Holder describes the process that holds a lock, as another process
// that finds the directory locked reports it.
type Holder struct {
	PID     int
	Host    string
	Command []string
	Start   time.Time
}

// NewHolder describes this process running command.
func NewHolder(command []string, start time.Time) Holder {
	host, _ := os.Hostname()
	return Holder{PID: os.Getpid(), Host: host, Command: command, Start: start}
}

// String is the one line written into the lock file.
func (h Holder) String() string {
	return fmt.Sprintf("pid %d on %s since %s: %s", h.PID, h.Host, h.Start.UTC().Format(time.RFC3339),
		strings.Join(h.Command, " "))
}

// Lock is a held lock on an output directory. The lock belongs to the
// open file, so it ends when Release closes the file or when the process
// ends in any way (kill -9 included): a crashed writer never leaves a
// directory locked.
type Lock struct {
	f *os.File
}

// TakeLock takes dir's lock without waiting, creating the lock file if
// needed, and writes holder into it. If another process holds it, the
// error wraps ErrLocked and says who (as that process wrote it).
func TakeLock(dir string, holder Holder) (*Lock, error) {
	path := filepath.Join(dir, LockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return nil, fmt.Errorf("output: lock %s: %w", dir, err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("output: lock %s: %w", dir, err)
	}
	if !held {
		f.Close()
		who := readHolder(path)
		return nil, fmt.Errorf("%s %w (%s); wait for it to finish, or stop it and continue the batch with --resume",
			dir, ErrLocked, who)
	}
	// The holder line is for people: written after taking the lock, it
	// may be read half-written by a process refused at that instant.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(holder.String()+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// readHolder reads who holds the lock file at path, for a message.
func readHolder(path string) string {
	for range 20 {
		b, err := os.ReadFile(path)
		if s := strings.TrimSpace(string(b)); err == nil && s != "" {
			return s
		}
		time.Sleep(5 * time.Millisecond) // the holder may be writing it
	}
	return "the process did not say who it is"
}

// Release gives the lock back. The lock file stays: removing it would let
// a process that opened it before the removal lock a file no one else
// sees.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := l.f.Close()
	l.f = nil
	return err
}
