package womd

import (
	"bytes"
	"io"
	"testing"
)

// FuzzReadRecord feeds arbitrary bytes to the record reader: it must never panic, never
// loop, and every record it returns must survive a write/read round trip.
func FuzzReadRecord(f *testing.F) {
	f.Add(writeRecords(f, []byte("a"), []byte("bc")))
	f.Add(writeRecords(f, Marshal(richScenario(3, 2, 3))))
	f.Add([]byte{})
	f.Add(make([]byte, 12))
	f.Fuzz(func(t *testing.T, data []byte) {
		rr := NewRecordReader(bytes.NewReader(data), "fuzz")
		var good [][]byte
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatal("reader does not advance")
			}
			r, err := rr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				continue
			}
			good = append(good, append([]byte(nil), r...))
		}
		back, errs := readAllRecords(writeRecords(t, good...))
		if len(errs) != 0 || len(back) != len(good) {
			t.Fatalf("rewrite: %d records, errors %v", len(back), errs)
		}
	})
}

// FuzzDecodeScenario feeds arbitrary bytes to the protobuf decoder: it must never panic,
// and whatever it accepts must re-encode to a fixed point.
func FuzzDecodeScenario(f *testing.F) {
	f.Add(Marshal(richScenario(1, 2, 3)))
	f.Add(Marshal(richScenario(2, 1, 1)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Unmarshal(data)
		if err != nil {
			return
		}
		b := Marshal(s)
		s2, err := Unmarshal(b)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if b2 := Marshal(s2); !bytes.Equal(b, b2) {
			t.Fatal("encoding is not a fixed point")
		}
		// Roadgraph conversion of whatever was decoded must not panic either.
		_ = AppendRoadgraphPoints(nil, s.MapFeatures, 0)
	})
}
