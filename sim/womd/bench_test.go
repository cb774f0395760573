package womd

import (
	"bytes"
	"io"
	"testing"
)

// benchShard returns an in-memory TFRecord shard of n WOMD-sized scenarios (128 tracks of
// 91 states, about 10,000 map points).
func benchShard(b *testing.B, n int) []byte {
	var recs [][]byte
	for i := 0; i < n; i++ {
		s := richScenario(uint64(i), 128, 91)
		base := s.MapFeatures[0]
		for k := 0; k < 200; k++ {
			f := base
			l := *base.Lane
			l.Polyline = make([]MapPoint, 50)
			for j := range l.Polyline {
				l.Polyline[j] = MapPoint{X: float64(j) * 0.5, Y: float64(k), Z: 1}
			}
			f.Lane, f.ID = &l, int64(1000+k)
			s.MapFeatures = append(s.MapFeatures, f)
		}
		recs = append(recs, Marshal(s))
	}
	return writeRecords(b, recs...)
}

// BenchmarkParse measures TFRecord framing plus protobuf decoding, in bytes of shard per
// second.
func BenchmarkParse(b *testing.B) {
	data := benchShard(b, 8)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rr := NewRecordReader(bytes.NewReader(data), "bench")
		for {
			rec, err := rr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Unmarshal(rec); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkMarshal measures encoding.
func BenchmarkMarshal(b *testing.B) {
	s := richScenario(1, 128, 91)
	b.SetBytes(int64(len(Marshal(s))))
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = AppendMarshal(buf[:0], s)
	}
}
