package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tenet-ml/tenet/lm"
)

var long = flag.Bool("long", false, "run the GPT-2 124M generation test (writes a ~500 MB random checkpoint to a temporary directory)")

// byteRunes is GPT-2's byte-to-character table: printable Latin-1 bytes stand for themselves,
// the others for code points from U+0100 up, in byte order.
func byteRunes() [256]rune {
	var t [256]rune
	next := rune(256)
	for b := range 256 {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			t[b] = rune(b)
		} else {
			t[b] = next
			next++
		}
	}
	return t
}

// tinyMerges are the merge rules of the test tokenizer, in rank order.
var tinyMerges = [][2]string{
	{"Ġ", "t"}, {"h", "e"}, {"Ġt", "he"}, {"i", "n"}, {"Ġ", "a"}, {"e", "r"},
	{"o", "n"}, {"Ġ", "s"}, {"Ġ", "w"}, {"r", "e"}, {"Ġ", "c"}, {"l", "l"},
}

// writeTinyModel writes into a new directory a small random GPT-2 checkpoint together with a
// byte-level BPE tokenizer (every byte, a few merges, <|endoftext|>) whose vocabulary is the
// model's, and returns the directory and the model.
func writeTinyModel(t *testing.T) (string, *lm.Transformer) {
	t.Helper()
	dir := t.TempDir()
	vocab := map[string]int{}
	for _, r := range byteRunes() {
		vocab[string(r)] = len(vocab)
	}
	var merges strings.Builder
	merges.WriteString("#version: 0.2\n")
	for _, m := range tinyMerges {
		vocab[m[0]+m[1]] = len(vocab)
		merges.WriteString(m[0] + " " + m[1] + "\n")
	}
	vocab[endOfText] = len(vocab)
	vj, err := json.Marshal(vocab)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vocab.json"), vj, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "merges.txt"), []byte(merges.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// Logits of a freshly initialised model are nearly flat; larger embeddings, the position
	// embedding the largest, make greedy and top-k decoding produce varied tokens.
	m := lm.NewTransformer(lm.Config{VocabSize: len(vocab), MaxLen: 48, Layers: 2, Heads: 2, Width: 16}, rand.New(rand.NewPCG(7, 7)))
	for _, s := range []struct {
		w     []float32
		scale float32
	}{{m.WTE.W.Value.Data(), 20}, {m.WPE.W.Value.Data(), 100}} {
		for i := range s.w {
			s.w[i] *= s.scale
		}
	}
	if err := lm.SaveGPT2(dir, m); err != nil {
		t.Fatal(err)
	}
	return dir, m
}

// runOK runs the command and fails the test on an error; it returns stdout and stderr.
func runOK(t *testing.T, args ...string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(args, &out, &errOut); err != nil {
		t.Fatalf("run %q: %v\nstderr:\n%s", args, err, errOut.String())
	}
	return out.String(), errOut.String()
}

func parseIDs(t *testing.T, s string) []int {
	t.Helper()
	var ids []int
	for _, f := range strings.Fields(s) {
		v, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("-ids output %q: %v", s, err)
		}
		ids = append(ids, v)
	}
	return ids
}

// generateRef is what lm.Generate makes of the same prompt, options and seed.
func generateRef(t *testing.T, m lm.Model, tok *lm.BPETokenizer, prompt string, n int, s lm.SamplingOptions, seed uint64) []int {
	t.Helper()
	eos, _ := tok.TokenID(endOfText)
	gens, err := lm.Generate(context.Background(), m, [][]int{tok.Encode(prompt)},
		lm.GenerateOptions{Sampling: s, MaxNewTokens: n, StopTokens: []int{eos}}, rand.New(rand.NewPCG(seed, 0)))
	if err != nil {
		t.Fatal(err)
	}
	return gens[0].Tokens
}

func TestGreedyDeterministic(t *testing.T) {
	dir, m := writeTinyModel(t)
	tok, err := lm.LoadBPEDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-model", dir, "-prompt", "the cat sat on the", "-n", "20", "-temperature", "0", "-ids"}
	out1, stderr := runOK(t, args...)
	out2, _ := runOK(t, args...)
	if out1 != out2 {
		t.Fatalf("greedy output differs between runs:\n%s\n%s", out1, out2)
	}
	ids := parseIDs(t, out1)
	if len(ids) != 20 {
		t.Fatalf("got %d ids, want 20: %q", len(ids), out1)
	}
	for _, id := range ids {
		if id < 0 || id >= tok.VocabSize() {
			t.Fatalf("id %d outside the vocabulary", id)
		}
	}
	want := generateRef(t, m, tok, "the cat sat on the", 20, lm.SamplingOptions{}, 1)
	if !equalInts(ids, want) {
		t.Fatalf("greedy ids %v, lm.Generate gives %v", ids, want)
	}
	distinct := map[int]bool{}
	for _, id := range ids {
		distinct[id] = true
	}
	if len(distinct) < 3 {
		t.Errorf("greedy decoding produced fewer than 3 distinct tokens: %v", ids)
	}
	for _, phase := range []string{"prefill:", "decode:", "tokens/s", "loaded "} {
		if !strings.Contains(stderr, phase) {
			t.Errorf("stderr lacks %q:\n%s", phase, stderr)
		}
	}

	// The text mode prints the prompt and the decoded continuation.
	text, _ := runOK(t, "-model", dir, "-prompt", "the cat sat on the", "-n", "20", "-temperature", "0")
	if wantText := "the cat sat on the" + tok.Decode(ids) + "\n"; text != wantText {
		t.Fatalf("text output %q, want %q", text, wantText)
	}
}

func TestSampledMatchesGenerate(t *testing.T) {
	dir, m := writeTinyModel(t)
	tok, err := lm.LoadBPEDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		opts lm.SamplingOptions
		seed uint64
	}{
		{[]string{"-temperature", "0.8", "-top-k", "40", "-seed", "1"}, lm.SamplingOptions{Temperature: 0.8, TopK: 40}, 1},
		{[]string{"-temperature", "1.3", "-top-k", "0", "-top-p", "0.9", "-seed", "5"}, lm.SamplingOptions{Temperature: 1.3, TopP: 0.9}, 5},
		{[]string{"-temperature", "1", "-top-k", "0", "-seed", "9"}, lm.SamplingOptions{Temperature: 1}, 9},
	}
	for _, c := range cases {
		args := append([]string{"-model", dir, "-prompt", "in the", "-n", "30", "-ids"}, c.args...)
		out, _ := runOK(t, args...)
		got := parseIDs(t, out)
		want := generateRef(t, m, tok, "in the", 30, c.opts, c.seed)
		if !equalInts(got, want) {
			t.Errorf("%v: ids %v, lm.Generate gives %v", c.args, got, want)
		}
		again, _ := runOK(t, args...)
		if again != out {
			t.Errorf("%v: not reproducible with the same seed", c.args)
		}
	}
}

func TestJSON(t *testing.T) {
	dir, _ := writeTinyModel(t)
	tok, err := lm.LoadBPEDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := runOK(t, "-model", dir, "-prompt", "", "-n", "100", "-seed", "3", "-stop-eos=false", "-json")
	var res result
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("-json output does not parse: %v\n%s", err, out)
	}
	if res.Example != "gpt2" || res.Seed != 3 || res.Config["n"] != float64(100) || res.Findings == nil {
		t.Fatalf("unexpected header: %+v", res)
	}
	if len(res.Tables.Generation) != 1 {
		t.Fatalf("generation table has %d rows", len(res.Tables.Generation))
	}
	g := res.Tables.Generation[0]
	eos, _ := tok.TokenID(endOfText)
	// An empty prompt starts from <|endoftext|>; the context of 48 ends the generation.
	if !equalInts(g.PromptIDs, []int{eos}) || g.Tokens != 47 || len(g.IDs) != 47 || g.Stop != lm.StopMaxLen.String() {
		t.Fatalf("generation row: prompt %v, %d tokens (%d ids), stop %q", g.PromptIDs, g.Tokens, len(g.IDs), g.Stop)
	}
	if g.Text != viaJSON(t, tok.Decode(g.IDs)) || g.LogProb >= 0 {
		t.Fatalf("text %q or logprob %v inconsistent with ids %v", g.Text, g.LogProb, g.IDs)
	}
	phases := map[string]timing{}
	for _, r := range res.Tables.Timing {
		phases[r.Phase] = r
	}
	for _, p := range []string{"load", "prefill", "decode", "sampling", "total"} {
		if _, ok := phases[p]; !ok {
			t.Errorf("timing table lacks %q: %+v", p, res.Tables.Timing)
		}
	}
	if phases["decode"].Tokens != 46 || phases["prefill"].Tokens != 1 || phases["total"].TokensPerS <= 0 {
		t.Errorf("timing rows: %+v", res.Tables.Timing)
	}
	if len(res.Tables.Model) != 1 || res.Tables.Model[0].Layers != 2 || res.Tables.Model[0].Context != 48 {
		t.Errorf("model table: %+v", res.Tables.Model)
	}
}

func TestErrors(t *testing.T) {
	dir, _ := writeTinyModel(t)
	noWeights := t.TempDir()
	for _, f := range []string{"config.json", "vocab.json", "merges.txt"} {
		copyFile(t, filepath.Join(dir, f), filepath.Join(noWeights, f))
	}
	noTokenizer := t.TempDir()
	for _, f := range []string{"config.json", "model.safetensors"} {
		copyFile(t, filepath.Join(dir, f), filepath.Join(noTokenizer, f))
	}
	badConfig := t.TempDir()
	for _, f := range []string{"model.safetensors", "vocab.json", "merges.txt"} {
		copyFile(t, filepath.Join(dir, f), filepath.Join(badConfig, f))
	}
	if err := os.WriteFile(filepath.Join(badConfig, "config.json"), []byte(`{"n_embd": 16,`), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "config.json")
	missing := filepath.Join(t.TempDir(), "nothing")
	long := strings.Repeat("a b ", 30)

	cases := []struct {
		args []string
		want string
	}{
		{nil, "-model DIR is required"},
		{[]string{"-model", missing}, "no such directory"},
		{[]string{"-model", file}, "not a directory"},
		{[]string{"-model", dir, "-tokenizer", missing}, "no such directory"},
		{[]string{"-model", noWeights}, "model.safetensors"},
		{[]string{"-model", noTokenizer}, "vocab.json"},
		{[]string{"-model", badConfig}, "config.json"},
		{[]string{"-model", dir, "-n", "0"}, "-n 0"},
		{[]string{"-model", dir, "-temperature", "-1"}, "-temperature"},
		{[]string{"-model", dir, "-top-k", "-2"}, "-top-k"},
		{[]string{"-model", dir, "-top-p", "1.5"}, "-top-p"},
		{[]string{"-model", dir, "-ids", "-json"}, "exclusive"},
		{[]string{"-model", dir, "hello"}, "unexpected argument"},
		{[]string{"-model", dir, "-frobnicate"}, "flag provided but not defined"},
		{[]string{"-model", dir, "-n", "ten"}, "invalid value"},
		{[]string{"-model", dir, "-prompt", long}, "context"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		err := run(c.args, &out, &errOut)
		if err == nil {
			t.Errorf("%q: no error", c.args)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %q does not mention %q", c.args, err, c.want)
		}
		if out.Len() != 0 {
			t.Errorf("%q: wrote %q to stdout on error", c.args, out.String())
		}
	}
}

// viaJSON returns s as it reads back from JSON, where each invalid UTF-8 byte becomes U+FFFD.
func viaJSON(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var r string
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestGPT2Size124M generates 50 tokens, greedy and sampled, with a random checkpoint of
// GPT-2 124M's exact shapes and names and GPT-2's real tokenizer, and logs the speed.
func TestGPT2Size124M(t *testing.T) {
	if !*long {
		t.Skip("writes a ~500 MB checkpoint and runs GPT-2 124M; run with -long")
	}
	dir := t.TempDir()
	m := lm.NewTransformer(lm.Config{VocabSize: 50257, MaxLen: 1024, Layers: 12, Heads: 12, Width: 768}, rand.New(rand.NewPCG(124, 0)))
	if err := lm.SaveGPT2(dir, m); err != nil {
		t.Fatal(err)
	}
	m = nil
	for _, f := range []string{"encoder.json", "vocab.bpe"} {
		src, err := filepath.Abs(filepath.Join("..", "..", "lm", "testdata", "gpt2", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(src, filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := lm.LoadBPEDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	const prompt = "The quick brown fox jumps over the lazy dog. In a hole in the ground there lived a hobbit."
	for _, mode := range []struct {
		name string
		args []string
	}{
		{"greedy", []string{"-temperature", "0"}},
		{"sampled", []string{"-temperature", "0.8", "-top-k", "40", "-seed", "1"}},
		{"sampled-top-p", []string{"-temperature", "1", "-top-k", "0", "-top-p", "0.95", "-seed", "2"}},
	} {
		args := append([]string{"-model", dir, "-prompt", prompt, "-n", "50", "-stop-eos=false", "-json"}, mode.args...)
		out, _ := runOK(t, args...)
		var res result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%s: %v", mode.name, err)
		}
		g := res.Tables.Generation[0]
		if g.Tokens != 50 || len(g.IDs) != 50 {
			t.Fatalf("%s: %d tokens generated, want 50", mode.name, g.Tokens)
		}
		text := tok.Decode(g.IDs)
		if g.Text != viaJSON(t, text) || tok.Decode(tok.Encode(text)) != text {
			t.Fatalf("%s: text %q does not round-trip", mode.name, text)
		}
		rate := map[string]timing{}
		for _, r := range res.Tables.Timing {
			rate[r.Phase] = r
		}
		if rate["prefill"].TokensPerS <= 0 || rate["decode"].TokensPerS <= 0 {
			t.Fatalf("%s: timing %+v", mode.name, res.Tables.Timing)
		}
		t.Logf("%-13s load %.2f s  prefill %d tokens %.0f tokens/s  decode %.1f tokens/s  sampling %.2f ms/token  total %.1f tokens/s",
			mode.name, rate["load"].Seconds, rate["prefill"].Tokens, rate["prefill"].TokensPerS, rate["decode"].TokensPerS,
			1e3*rate["sampling"].Seconds/float64(rate["sampling"].Tokens), rate["total"].TokensPerS)
	}
}
