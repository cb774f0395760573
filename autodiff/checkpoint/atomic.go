package checkpoint

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// testHookWriter, when set by tests, wraps the temporary file's writer (to inject failures).
var testHookWriter func(io.Writer) io.Writer

// WriteFileAtomic writes path through a temporary file in the same directory: write calls
// back with the temporary file, which is then synced, closed and renamed over path, and the
// directory is synced where the platform supports it. On any failure the temporary file is
// removed and path is untouched, so a crash mid-write leaves the previous file intact. A new
// file gets mode 0644; an existing file keeps its mode.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(tmp)
		}
	}()
	var w io.Writer = f
	if testHookWriter != nil {
		w = testHookWriter(w)
	}
	if err = write(w); err != nil {
		return err
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	closed = true
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot open directories for syncing; there
// the rename is as durable as the file system makes it.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
