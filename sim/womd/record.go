package womd

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// MaxRecordSize caps the length of one TFRecord payload that a RecordReader accepts
// (256 MiB). A WOMD scenario is a few megabytes at most; a larger length field means a
// corrupted or hostile file, and the reader refuses it before allocating anything.
const MaxRecordSize = 256 << 20

// castagnoli is the CRC-32C table used by TFRecord framing.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maskedCRC returns the masked CRC-32C of b used by TFRecord:
// ((c >> 15) | (c << 17)) + 0xa282ead8, modulo 2³².
func maskedCRC(b []byte) uint32 {
	c := crc32.Checksum(b, castagnoli)
	return (c>>15 | c<<17) + 0xa282ead8
}

// Sentinel causes wrapped by RecordError.
var (
	// ErrLengthCRC means the CRC of a record's length field does not match: the framing
	// is lost and the rest of the file cannot be read.
	ErrLengthCRC = errors.New("length checksum mismatch")
	// ErrDataCRC means the CRC of a record's payload does not match.
	ErrDataCRC = errors.New("data checksum mismatch")
	// ErrTooLarge means a record's length exceeds MaxRecordSize.
	ErrTooLarge = errors.New("record length exceeds limit")
	// ErrTruncated means the file ends inside a record.
	ErrTruncated = errors.New("truncated record")
)

// RecordError describes a bad record: the file, the byte offset at which the record
// starts, and the cause. When Fatal is true the framing of the file is lost (bad length,
// bad length checksum, truncation, read error) and readers skip the rest of that file;
// otherwise only this record is lost (bad payload checksum, undecodable payload).
type RecordError struct {
	File   string
	Offset int64
	Fatal  bool
	Err    error
}

// Error implements error.
func (e *RecordError) Error() string {
	what := "bad record"
	if e.Fatal {
		what = "bad record, rest of file skipped"
	}
	return fmt.Sprintf("womd: %s at offset %d: %s: %v", e.File, e.Offset, what, e.Err)
}

// Unwrap returns the cause.
func (e *RecordError) Unwrap() error { return e.Err }

// RecordReader reads TFRecord-framed records from a stream:
//
//	uint64 length (little endian)
//	uint32 masked CRC-32C of the 8 length bytes
//	length bytes of data
//	uint32 masked CRC-32C of the data
//
// Both checksums are verified. A RecordReader is not safe for concurrent use.
type RecordReader struct {
	r     *bufio.Reader
	name  string
	off   int64
	buf   []byte
	fatal bool
}

// NewRecordReader returns a reader of the records in r; name labels errors (usually the
// file path).
func NewRecordReader(r io.Reader, name string) *RecordReader {
	return &RecordReader{r: bufio.NewReaderSize(r, 16<<10), name: name}
}

// Offset returns the byte offset of the next record.
func (rr *RecordReader) Offset() int64 { return rr.off }

// Next returns the next record's payload, valid until the following call to Next. At the
// clean end of the stream it returns io.EOF. A bad record gives a *RecordError; after a
// non-fatal one (bad payload checksum) the next call continues with the following record,
// after a fatal one every later call returns io.EOF.
func (rr *RecordReader) Next() ([]byte, error) {
	if rr.fatal {
		return nil, io.EOF
	}
	start := rr.off
	var hdr [12]byte
	n, err := io.ReadFull(rr.r, hdr[:])
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, rr.fail(start, n, err)
	}
	length := binary.LittleEndian.Uint64(hdr[:8])
	if maskedCRC(hdr[:8]) != binary.LittleEndian.Uint32(hdr[8:]) {
		return nil, rr.fail(start, 0, ErrLengthCRC)
	}
	if length > MaxRecordSize {
		return nil, rr.fail(start, 0, fmt.Errorf("%w: %d > %d bytes", ErrTooLarge, length, MaxRecordSize))
	}
	need := int(length) + 4
	if cap(rr.buf) < need {
		rr.buf = make([]byte, need)
	}
	rr.buf = rr.buf[:need]
	m, err := io.ReadFull(rr.r, rr.buf)
	if err != nil {
		return nil, rr.fail(start, 12+m, err)
	}
	rr.off = start + 12 + int64(need)
	data := rr.buf[:length]
	if maskedCRC(data) != binary.LittleEndian.Uint32(rr.buf[length:]) {
		return nil, &RecordError{File: rr.name, Offset: start, Err: ErrDataCRC}
	}
	return data, nil
}

// fail records a fatal error for the record starting at start after read bytes of it.
func (rr *RecordReader) fail(start int64, read int, err error) error {
	rr.fatal = true
	rr.off = start + int64(read)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = fmt.Errorf("%w: file ends %d bytes into the record", ErrTruncated, read)
	}
	return &RecordError{File: rr.name, Offset: start, Fatal: true, Err: err}
}

// RecordWriter writes TFRecord-framed records. Call Flush (or Close on the underlying
// file after Flush) when done. A RecordWriter is not safe for concurrent use.
type RecordWriter struct {
	w *bufio.Writer
}

// NewRecordWriter returns a writer of records to w.
func NewRecordWriter(w io.Writer) *RecordWriter {
	return &RecordWriter{w: bufio.NewWriterSize(w, 16<<10)}
}

// Write writes one record holding data.
func (rw *RecordWriter) Write(data []byte) error {
	var hdr [12]byte
	binary.LittleEndian.PutUint64(hdr[:8], uint64(len(data)))
	binary.LittleEndian.PutUint32(hdr[8:], maskedCRC(hdr[:8]))
	if _, err := rw.w.Write(hdr[:]); err != nil {
		return err
	}
	if _, err := rw.w.Write(data); err != nil {
		return err
	}
	var tail [4]byte
	binary.LittleEndian.PutUint32(tail[:], maskedCRC(data))
	_, err := rw.w.Write(tail[:])
	return err
}

// WriteScenario encodes s and writes it as one record.
func (rw *RecordWriter) WriteScenario(s *Scenario) error { return rw.Write(Marshal(s)) }

// Flush writes any buffered data to the underlying writer.
func (rw *RecordWriter) Flush() error { return rw.w.Flush() }
