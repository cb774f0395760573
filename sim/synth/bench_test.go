package synth

import (
	"bytes"
	"io"
	"testing"

	"github.com/tenet-ml/tenet/sim/womd"
)

// BenchmarkGenerate measures the generation of one scenario.
func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Generate(NthOptions(Options{Seed: 1}, i))
		i++
	}
}

// BenchmarkParseSynthShard measures TFRecord framing plus decoding of a shard of generated
// scenarios, in bytes per second.
func BenchmarkParseSynthShard(b *testing.B) {
	var buf bytes.Buffer
	w := womd.NewRecordWriter(&buf)
	for i := 0; i < 16; i++ {
		if err := w.WriteScenario(Generate(NthOptions(Options{Seed: 2}, i))); err != nil {
			b.Fatal(err)
		}
	}
	w.Flush()
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rr := womd.NewRecordReader(bytes.NewReader(data), "bench")
		for {
			rec, err := rr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if _, err := womd.Unmarshal(rec); err != nil {
				b.Fatal(err)
			}
		}
	}
}
