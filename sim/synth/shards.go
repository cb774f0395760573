package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/tenet-ml/tenet/sim/womd"
)

// ShardSize is the number of scenarios WriteShards puts in one file.
const ShardSize = 64

// NthOptions returns the options of the i-th scenario of a data set: o with a seed derived
// from o.Seed and i, so data sets of different sizes share their first scenarios.
func NthOptions(o Options, i int) Options {
	x := o.Seed*0x9e3779b97f4a7c15 + uint64(i)*0xbf58476d1ce4e5b9 + 1
	x ^= x >> 31
	x *= 0x94d049bb133111eb
	x ^= x >> 29
	o.Seed = x
	return o
}

// WriteShards generates n scenarios (NthOptions(o, 0) … NthOptions(o, n-1)) and writes them
// to TFRecord files in dir, ShardSize scenarios per file, named
// synth.tfrecord-00000-of-00004 and so on. It generates on all cores and returns the paths
// in order. The files are byte-identical for the same o and n.
func WriteShards(dir string, n int, o Options) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	shards := (n + ShardSize - 1) / ShardSize
	paths := make([]string, shards)
	errs := make([]error, shards)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k := 0; k < shards; k++ {
		paths[k] = filepath.Join(dir, fmt.Sprintf("synth.tfrecord-%05d-of-%05d", k, shards))
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			lo, hi := k*ShardSize, min((k+1)*ShardSize, n)
			ss := make([]*womd.Scenario, 0, hi-lo)
			for i := lo; i < hi; i++ {
				ss = append(ss, Generate(NthOptions(o, i)))
			}
			errs[k] = womd.WriteFile(paths[k], ss...)
		}(k)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
	}
	return paths, nil
}
