package womd

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Reader streams scenarios from a list of TFRecord files, one file open at a time.
//
// Bad data does not stop the stream: Next returns a *RecordError for each bad record and
// carries on. A bad payload (checksum mismatch, undecodable protobuf) costs only that
// record; a bad length field, length checksum mismatch, truncation or unreadable file
// loses the framing, so the reader moves on to the next file. The reader never resyncs
// inside a file. A Reader is not safe for concurrent use; open one per goroutine.
type Reader struct {
	paths []string
	next  int // index of the next file to open
	f     *os.File
	rr    *RecordReader
	file  string // current file
	off   int64  // offset of the last record returned
}

// Open returns a Reader over the files in paths, read in order. Files are opened lazily;
// an unreadable file is reported by Next as a *RecordError at offset 0.
func Open(paths ...string) *Reader {
	return &Reader{paths: append([]string(nil), paths...)}
}

// Next returns the next scenario. It returns io.EOF when every file is exhausted and a
// *RecordError for a bad record or file, after which calling Next again continues with
// the next good record.
func (r *Reader) Next() (*Scenario, error) {
	for {
		if r.rr == nil {
			if r.next >= len(r.paths) {
				return nil, io.EOF
			}
			r.file = r.paths[r.next]
			r.next++
			f, err := os.Open(r.file)
			if err != nil {
				return nil, &RecordError{File: r.file, Fatal: true, Err: err}
			}
			r.f = f
			r.rr = NewRecordReader(f, r.file)
		}
		start := r.rr.Offset()
		rec, err := r.rr.Next()
		if err == io.EOF {
			r.closeFile()
			continue
		}
		if err != nil {
			var re *RecordError
			if errors.As(err, &re) && re.Fatal {
				r.closeFile()
			}
			return nil, err
		}
		r.off = start
		s := new(Scenario)
		if err := s.Unmarshal(rec); err != nil {
			return nil, &RecordError{File: r.file, Offset: start, Err: err}
		}
		return s, nil
	}
}

// Position returns the file and byte offset of the record last returned by Next.
func (r *Reader) Position() (file string, offset int64) { return r.file, r.off }

// closeFile closes the current file.
func (r *Reader) closeFile() {
	if r.f != nil {
		r.f.Close()
	}
	r.f, r.rr = nil, nil
}

// Close closes the open file, if any. The Reader returns io.EOF afterwards.
func (r *Reader) Close() error {
	var err error
	if r.f != nil {
		err = r.f.Close()
	}
	r.f, r.rr = nil, nil
	r.next = len(r.paths)
	return err
}

// Scenarios returns an iterator over the scenarios in paths for use with range. Each bad
// record or file yields a nil scenario and its *RecordError; the iteration continues.
func Scenarios(paths ...string) iter.Seq2[*Scenario, error] {
	return func(yield func(*Scenario, error) bool) {
		r := Open(paths...)
		defer r.Close()
		for {
			s, err := r.Next()
			if err == io.EOF {
				return
			}
			if !yield(s, err) {
				return
			}
		}
	}
}

// ReadAll loads every good scenario in paths. The error joins the *RecordError of every
// bad record or file (nil when there was none); the good scenarios are returned even then.
func ReadAll(paths ...string) ([]*Scenario, error) {
	var out []*Scenario
	var errs []error
	for s, err := range Scenarios(paths...) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, s)
	}
	return out, errors.Join(errs...)
}

// WriteFile writes the scenarios to a new TFRecord file at path, replacing any file there.
func WriteFile(path string, scenarios ...*Scenario) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("womd: %w", err)
	}
	w := NewRecordWriter(f)
	var buf []byte
	for _, s := range scenarios {
		buf = AppendMarshal(buf[:0], s)
		if err := w.Write(buf); err != nil {
			f.Close()
			return fmt.Errorf("womd: write %s: %w", path, err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("womd: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("womd: close %s: %w", path, err)
	}
	return nil
}

// ExpandPaths turns a comma-separated list of files and glob patterns (as in a -data flag,
// e.g. "a.tfrecord,shards/train-*") into file paths. Each glob's matches are sorted; the
// order of the list is kept and duplicates are dropped. A pattern that matches nothing, a
// malformed pattern, or an empty list is an error.
func ExpandPaths(spec string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		matches, err := filepath.Glob(item)
		if err != nil {
			return nil, fmt.Errorf("womd: bad pattern %q: %w", item, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("womd: no file matches %q", item)
		}
		sort.Strings(matches)
		for _, m := range matches {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("womd: no files in %q", spec)
	}
	return out, nil
}
