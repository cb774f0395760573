package womd

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestMaskedCRCKnown checks the CRC-32C implementation against the standard check value
// and the mask against its definition.
func TestMaskedCRCKnown(t *testing.T) {
	if c := crc32.Checksum([]byte("123456789"), castagnoli); c != 0xe3069283 {
		t.Fatalf("crc32c check value %#x", c)
	}
	c := uint32(0xe3069283)
	want := ((c >> 15) | (c << 17)) + 0xa282ead8
	if got := maskedCRC([]byte("123456789")); got != want {
		t.Fatalf("masked %#x want %#x", got, want)
	}
}

func writeRecords(t testing.TB, recs ...[]byte) []byte {
	var buf bytes.Buffer
	w := NewRecordWriter(&buf)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAllRecords(data []byte) (recs [][]byte, errs []error) {
	rr := NewRecordReader(bytes.NewReader(data), "mem")
	for {
		r, err := rr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs = append(recs, append([]byte(nil), r...))
	}
}

func TestRecordRoundTrip(t *testing.T) {
	in := [][]byte{[]byte("a"), {}, bytes.Repeat([]byte{7}, 100000), []byte("end")}
	recs, errs := readAllRecords(writeRecords(t, in...))
	if len(errs) != 0 || len(recs) != len(in) {
		t.Fatalf("recs %d errs %v", len(recs), errs)
	}
	for i := range in {
		if !bytes.Equal(recs[i], in[i]) {
			t.Fatalf("record %d differs", i)
		}
	}
}

func TestRecordCorruption(t *testing.T) {
	a, b, c := []byte("first record"), []byte("second record"), []byte("third")
	good := writeRecords(t, a, b, c)
	offB := int64(12 + len(a) + 4)

	// Bad data CRC in the second record: it alone is lost.
	bad := append([]byte(nil), good...)
	bad[offB+12+3] ^= 0x40
	recs, errs := readAllRecords(bad)
	if len(recs) != 2 || len(errs) != 1 {
		t.Fatalf("data crc: recs %d errs %v", len(recs), errs)
	}
	var re *RecordError
	if !errors.As(errs[0], &re) || re.Offset != offB || re.Fatal || !errors.Is(errs[0], ErrDataCRC) || re.File != "mem" {
		t.Fatalf("data crc error %v", errs[0])
	}

	// Bad length CRC: the rest of the file is lost.
	bad = append([]byte(nil), good...)
	bad[offB] ^= 1
	recs, errs = readAllRecords(bad)
	if len(recs) != 1 || len(errs) != 1 || !errors.Is(errs[0], ErrLengthCRC) {
		t.Fatalf("length crc: recs %d errs %v", len(recs), errs)
	}
	if errors.As(errs[0], &re); !re.Fatal || re.Offset != offB {
		t.Fatalf("length crc error %v", errs[0])
	}
	if !strings.Contains(errs[0].Error(), "offset 28") {
		t.Fatalf("message lacks the offset: %v", errs[0])
	}

	// Truncation at every byte: never a panic, good prefix records kept, one error unless
	// the cut falls on a record boundary.
	for cut := 0; cut < len(good); cut++ {
		recs, errs := readAllRecords(good[:cut])
		boundary := cut == 0 || cut == int(offB) || cut == int(offB)+12+len(b)+4
		if boundary != (len(errs) == 0) {
			t.Fatalf("cut %d: errs %v", cut, errs)
		}
		if len(errs) == 1 && !errors.Is(errs[0], ErrTruncated) {
			t.Fatalf("cut %d: %v", cut, errs[0])
		}
		_ = recs
	}

	// A hostile length with a valid length CRC is refused before allocation.
	var hdr [12]byte
	binary.LittleEndian.PutUint64(hdr[:8], 1<<62)
	binary.LittleEndian.PutUint32(hdr[8:], maskedCRC(hdr[:8]))
	_, errs = readAllRecords(hdr[:])
	if len(errs) != 1 || !errors.Is(errs[0], ErrTooLarge) {
		t.Fatalf("huge length: %v", errs)
	}
}

// TestReaderSkipAndReport writes three shards, corrupts two of them, and checks that every
// good scenario loads and each bad spot is reported with its file and offset.
func TestReaderSkipAndReport(t *testing.T) {
	dir := t.TempDir()
	var all []*Scenario
	var paths []string
	for f := 0; f < 3; f++ {
		var ss []*Scenario
		for i := 0; i < 4; i++ {
			s := richScenario(uint64(f*10+i), 2, 5)
			s.ScenarioID = filepath.Join("s", string(rune('a'+f)), string(rune('0'+i)))
			ss = append(ss, s)
		}
		all = append(all, ss...)
		p := filepath.Join(dir, "shard-"+string(rune('0'+f))+".tfrecord")
		if err := WriteFile(p, ss...); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	// Shard 0: flip a payload byte of its second record (a protobuf-valid flip is caught
	// by the data CRC). Shard 1: truncate in the middle of its third record.
	d0, _ := os.ReadFile(paths[0])
	n0 := len(Marshal(all[0]))
	off1 := 12 + n0 + 4
	d0[off1+12+5] ^= 0xff
	os.WriteFile(paths[0], d0, 0o644)
	d1, _ := os.ReadFile(paths[1])
	off2 := 2 * (12 + 4)
	off2 += len(Marshal(all[4])) + len(Marshal(all[5]))
	os.WriteFile(paths[1], d1[:off2+20], 0o644)
	missing := filepath.Join(dir, "missing.tfrecord")

	got, err := ReadAll(append(paths, missing)...)
	var wantIDs []string
	for i, s := range all {
		if i == 1 || i == 6 || i == 7 {
			continue
		}
		wantIDs = append(wantIDs, s.ScenarioID)
	}
	var gotIDs []string
	for _, s := range got {
		gotIDs = append(gotIDs, s.ScenarioID)
	}
	if !reflect.DeepEqual(gotIDs, wantIDs) {
		t.Fatalf("loaded %v want %v", gotIDs, wantIDs)
	}
	msg := err.Error()
	for _, want := range []string{paths[0] + " at offset " + itoa(off1), paths[1] + " at offset " + itoa(off2), missing + " at offset 0"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	// Position reports the record offsets.
	r := Open(paths[2])
	defer r.Close()
	var offs []int64
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		_, off := r.Position()
		offs = append(offs, off)
	}
	if len(offs) != 4 || offs[0] != 0 || offs[1] != int64(12+len(Marshal(all[8]))+4) {
		t.Fatalf("offsets %v", offs)
	}
}

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	var b []byte
	for v > 0 {
		b = append([]byte{byte('0' + v%10)}, b...)
		v /= 10
	}
	return string(b)
}

func TestExpandPaths(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"b-1", "a-2", "a-1", "c"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	got, err := ExpandPaths(filepath.Join(dir, "a-*") + " , " + filepath.Join(dir, "c") + "," + filepath.Join(dir, "a-1"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a-1"), filepath.Join(dir, "a-2"), filepath.Join(dir, "c")}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	if _, err := ExpandPaths(filepath.Join(dir, "zzz*")); err == nil {
		t.Fatal("no match accepted")
	}
	if _, err := ExpandPaths(" , "); err == nil {
		t.Fatal("empty list accepted")
	}
	if _, err := ExpandPaths("[" + dir); err == nil {
		t.Fatal("bad pattern accepted")
	}
}
