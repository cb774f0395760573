package checkpoint

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// writer is what writeFileAtomic hands to its callback.
type writer = io.Writer

// testHookWriter, when set by tests, wraps the temporary file's writer (to inject failures).
var testHookWriter func(io.Writer) io.Writer

// writeFileAtomic writes path through a temporary file in the same directory: write, fsync,
// close, rename, then fsync the directory where the platform supports it. On failure the
// temporary file is removed and path is untouched. A new file gets mode 0644; an existing
// file keeps its mode.
func writeFileAtomic(path string, write func(writer) error) (err error) {
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
